// The tracking issue against a fake GitHub issues API on the fixture server: three nights,
// recovery from a half-finished run, duplicates, pull requests and foreign issues left alone,
// clear errors, body limits, mutation spacing, dry runs, and the token kept to its host.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/github_issue.h"
#include "net/http_engine.h"
#include "support/fake_github_issues.h"
#include "support/fixture_server.h"

using namespace ah;
using namespace std::chrono_literals;
using ah::testing::FakeGitHubIssues;
using ah::testing::FakeIssue;
using ah::testing::FixtureServer;
using ah::testing::RecordedRequest;
using ah::testing::Reply;

namespace {

constexpr const char* api_host = "api.github.test";
constexpr const char* other_host = "elsewhere.test";
constexpr const char* repo = "octo/list";
constexpr const char* token = "ghp_SECRETtoken1234567890";
constexpr const char* label = "link-health";

IssueSettings settings_for(std::chrono::milliseconds spacing = 1ms) {
    IssueSettings s;
    s.api_url = fmt::format("http://{}", api_host);
    s.repository = repo;
    s.token = token;
    s.mutation_spacing = spacing;
    s.max_wait = 5s;
    s.request_timeout = 5000ms;
    return s;
}

Change change(ChangeKind kind, std::string entry, std::string url, std::string what = "HTTP 404") {
    Change c;
    c.kind = kind;
    c.entry = std::move(entry);
    c.section = "Models";
    c.url = std::move(url);
    c.what = std::move(what);
    return c;
}

Diff diff_of(std::string date, std::vector<Change> changes) {
    Diff d;
    d.targets = 42;
    d.new_generated_at = date + "T03:17:00Z";
    d.changes = std::move(changes);
    return d;
}

std::string marked(std::string text) { return std::string(tracking_issue_marker) + "\n" + text; }

// One run of the sync against the server, on a fresh engine and io_context.
Result<IssueOutcome> sync(const FixtureServer& server, const IssueSettings& s, const Diff& d) {
    boost::asio::io_context io;
    EngineOptions e;
    for (const char* host : {api_host, other_host})
        e.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", host, server.http_port()));
    net::HttpEngine engine(io, e);
    std::optional<Result<IssueOutcome>> out;
    sync_tracking_issue(io, engine, s, d, [&](Result<IssueOutcome> r) { out.emplace(std::move(r)); });
    io.run();
    REQUIRE(out);
    return std::move(*out);
}

// The `body` field of a JSON request body ("" when there is none).
std::string body_field(const RecordedRequest& r) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view s;
    if (parser.parse(r.body).get(doc) != simdjson::SUCCESS || doc["body"].get(s) != simdjson::SUCCESS) return "";
    return std::string(s);
}

void check_no_token(const Result<IssueOutcome>& r) {
    if (r.ok()) {
        for (const auto& line : r->log) CHECK(line.find(token) == std::string::npos);
        CHECK(r->body.find(token) == std::string::npos);
        CHECK(r->issue_url.find(token) == std::string::npos);
    } else {
        CHECK(r.error().to_string().find(token) == std::string::npos);
    }
}

std::vector<RecordedRequest> api_mutations(const FixtureServer& server) {
    return ah::testing::mutations_of(server.requests(api_host));
}

}  // namespace

TEST_CASE("issue sync: three nights — opened, updated with one comment, closed", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    const IssueSettings s = settings_for(200ms);

    // Night 1: two dead links, one moved. The label does not exist yet.
    const Diff night1 = diff_of("2024-05-01", {change(ChangeKind::newly_dead, "SatMAE", "https://dead.test/a"),
                                               change(ChangeKind::newly_dead, "Scale-MAE", "https://dead.test/b"),
                                               change(ChangeKind::newly_moved, "Prithvi", "https://moved.test/c",
                                                      "permanent redirect (HTTP 301)")});
    const auto r1 = sync(server, s, night1);
    REQUIRE(r1.ok());
    check_no_token(r1);
    CHECK(r1->action == IssueAction::created);
    const auto open1 = github.open_with_label(label);
    REQUIRE(open1.size() == 1);
    CHECK(r1->issue_number == open1[0].number);
    CHECK(r1->issue_url == fmt::format("https://github.com/{}/issues/{}", repo, open1[0].number));
    CHECK(open1[0].title == "Link health report: 2 dead, 1 moved");
    CHECK(open1[0].body.rfind(tracking_issue_marker, 0) == 0);
    CHECK(open1[0].body == r1->body);
    CHECK(open1[0].comments.empty());
    CHECK(github.labels() == std::vector<std::string>{label});

    // Night 2: those are still dead, one more died, one metadata change.
    server.reset_stats();
    const Diff night2 = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "GFM", "https://dead.test/new"),
                                               change(ChangeKind::still_dead, "SatMAE", "https://dead.test/a"),
                                               change(ChangeKind::still_dead, "Scale-MAE", "https://dead.test/b"),
                                               change(ChangeKind::metadata, "SkySense", "https://github.com/x/y",
                                                      "repository archived")});
    const auto r2 = sync(server, s, night2);
    REQUIRE(r2.ok());
    check_no_token(r2);
    CHECK(r2->action == IssueAction::updated_and_commented);
    CHECK(r2->issue_number == open1[0].number);
    const FakeIssue after2 = github.issue(open1[0].number);
    CHECK(after2.state == "open");
    CHECK(after2.title == "Link health report: 3 dead, 1 stale metadata");
    CHECK(after2.body.find("dead.test/new") != std::string::npos);
    REQUIRE(after2.comments.size() == 1);
    CHECK(after2.comments[0].find("dead.test/new") != std::string::npos);
    CHECK(after2.comments[0].find("SkySense") != std::string::npos);
    CHECK(after2.comments[0].find("dead.test/a") == std::string::npos);  // not new: not in the comment
    CHECK(github.open_with_label(label).size() == 1);

    // Night 3: all clear.
    server.reset_stats();
    const Diff night3 = diff_of("2024-05-03", {change(ChangeKind::recovered, "GFM", "https://dead.test/new")});
    const auto r3 = sync(server, s, night3);
    REQUIRE(r3.ok());
    check_no_token(r3);
    CHECK(r3->action == IssueAction::closed);
    const FakeIssue after3 = github.issue(open1[0].number);
    CHECK(after3.state == "closed");
    CHECK(after3.state_reason == "completed");
    REQUIRE(after3.comments.size() == 2);
    CHECK(after3.comments[1].rfind("All 42 links healthy as of 2024-05-03", 0) == 0);
    CHECK(github.open_with_label(label).empty());

    // Mutations were at least mutation_spacing apart, as the server saw them.
    const auto mutations = api_mutations(server);
    REQUIRE(mutations.size() == 2);
    CHECK(mutations[1].at - mutations[0].at >= 200ms);
    for (const auto& r : server.requests(api_host)) CHECK(r.header("Authorization") == std::string("Bearer ") + token);
}

TEST_CASE("issue sync: mutations of one run are spaced at least mutation_spacing apart", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    // Three open tracking issues: update + comment on the kept one, comment + close each duplicate.
    for (int i = 0; i < 3; ++i) github.add_issue(FakeIssue{0, "Link health report", marked("stale"), "open", "", {label}, false, {}});
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "A", "https://dead.test/a")});
    const auto r = sync(server, settings_for(200ms), d);
    REQUIRE(r.ok());
    const auto mutations = api_mutations(server);
    REQUIRE(mutations.size() == 6);
    for (std::size_t i = 1; i < mutations.size(); ++i) CHECK(mutations[i].at - mutations[i - 1].at >= 200ms);
}

TEST_CASE("issue sync: a run that died after creating the issue is finished by the next one", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    const int n = github.add_issue(FakeIssue{0, "Link health report: 1 dead", marked("half-written"), "open", "", {label}, false, {}});
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::still_dead, "A", "https://dead.test/a")});
    const auto r = sync(server, settings_for(), d);
    REQUIRE(r.ok());
    CHECK(r->action == IssueAction::updated);
    CHECK(r->issue_number == n);
    CHECK(github.issues().size() == 1);  // no second issue
    CHECK(github.issue(n).body == r->body);
    CHECK(github.issue(n).comments.empty());  // nothing new
}

TEST_CASE("issue sync: of two open tracking issues the oldest is kept, the other closed", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    const int first = github.add_issue(FakeIssue{0, "Link health report", marked("one"), "open", "", {label}, false, {}});
    const int second = github.add_issue(FakeIssue{0, "Link health report", marked("two"), "open", "", {label}, false, {}});
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::still_dead, "A", "https://dead.test/a")});
    const auto r = sync(server, settings_for(), d);
    REQUIRE(r.ok());
    CHECK(r->issue_number == first);
    CHECK(github.issue(first).state == "open");
    CHECK(github.issue(first).body == r->body);
    const FakeIssue dup = github.issue(second);
    CHECK(dup.state == "closed");
    CHECK(dup.state_reason == "not_planned");
    REQUIRE(dup.comments.size() == 1);
    CHECK(dup.comments[0].find(fmt::format("#{}", first)) != std::string::npos);
}

TEST_CASE("issue sync: pull requests, foreign issues and pages", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    github.set_max_per_page(2);  // four pages for seven items
    // A pull request whose body even carries the marker, someone's labelled issue without it,
    // closed old tracking issues, and the real one last (on the last page).
    const int pr = github.add_issue(FakeIssue{0, "Fix links", marked("pr"), "open", "", {label}, true, {}});
    const int foreign = github.add_issue(FakeIssue{0, "Broken link in README", "please fix", "open", "", {label}, false, {}});
    for (int i = 0; i < 4; ++i) github.add_issue(FakeIssue{0, "old", marked("old"), "closed", "completed", {label}, false, {}});
    const int nolabel = github.add_issue(FakeIssue{0, "copy", marked("copy, no label"), "open", "", {}, false, {}});
    for (int i = 0; i < 4; ++i) github.add_issue(FakeIssue{0, "chatter", "x", "open", "", {label}, false, {}});
    const int tracking = github.add_issue(FakeIssue{0, "Link health report", marked("stale"), "open", "", {label}, false, {}});

    const Diff d = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "A", "https://dead.test/a")});
    const auto r = sync(server, settings_for(), d);
    REQUIRE(r.ok());
    CHECK(r->issue_number == tracking);
    CHECK(r->action == IssueAction::updated_and_commented);
    CHECK(github.issue(pr).body == marked("pr"));
    CHECK(github.issue(pr).comments.empty());
    CHECK(github.issue(foreign).body == "please fix");
    CHECK(github.issue(foreign).comments.empty());
    CHECK(github.issue(foreign).state == "open");
    CHECK(github.issue(nolabel).body == marked("copy, no label"));
    // The list was read page by page through the Link header (to /repositories/42/...).
    CHECK(server.hits(api_host, "/repositories/42/issues", "GET") >= 3);
    // Only the tracking issue was written to.
    for (const auto& m : api_mutations(server))
        CHECK(m.path.rfind(fmt::format("/repos/{}/issues/{}", repo, tracking), 0) == 0);
}

TEST_CASE("issue sync: GitHub's refusals give clear errors", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "A", "https://dead.test/a")});
    const std::string issues_path = fmt::format("/repos/{}/issues", repo);

    SECTION("401: the token was rejected") {
        IssueSettings s = settings_for();
        s.token = "ghp_wrongtoken999";
        const auto r = sync(server, s, d);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("the token was rejected (401)") != std::string::npos);
        CHECK(r.error().to_string().find("ghp_wrongtoken999") == std::string::npos);
    }
    SECTION("403 without rate-limit headers: permissions") {
        Reply forbidden;
        forbidden.status = 403;
        forbidden.headers = {{"Content-Type", "application/json"}, {"X-RateLimit-Remaining", "4990"}};
        forbidden.body = R"({"message":"Resource not accessible by integration"})";
        github.answer_next("POST", issues_path, forbidden);
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        check_no_token(r);
        CHECK(r.error().message.find("permissions: issues: write") != std::string::npos);
        CHECK(r.error().message.find("Resource not accessible by integration") != std::string::npos);
        CHECK(github.open_with_label(label).empty());
    }
    SECTION("422: GitHub's message") {
        Reply invalid;
        invalid.status = 422;
        invalid.body =
            R"({"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","field":"title","message":"title is too long"}]})";
        github.answer_next("POST", issues_path, invalid);
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("422") != std::string::npos);
        CHECK(r.error().message.find("Validation Failed") != std::string::npos);
        CHECK(r.error().message.find("title is too long") != std::string::npos);
    }
    SECTION("404 on the repository") {
        IssueSettings s = settings_for();
        s.repository = "octo/missing";
        const auto r = sync(server, s, d);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "repository octo/missing not found or the token cannot see it");
    }
    SECTION("a rate limit resetting later than max_wait is not waited for") {
        Reply limited;
        limited.status = 403;
        limited.headers = {{"X-RateLimit-Remaining", "0"},
                           {"X-RateLimit-Reset",
                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count() +
                                           3600)}};
        limited.body = R"({"message":"API rate limit exceeded"})";
        github.answer_next("GET", issues_path, limited);
        const auto started = std::chrono::steady_clock::now();
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("rate limit") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - started < 3s);
    }
    SECTION("a short retry-after is waited for, then the request repeated") {
        Reply limited;
        limited.status = 429;
        limited.headers = {{"Retry-After", "1"}};
        limited.body = R"({"message":"You have exceeded a secondary rate limit"})";
        github.answer_next("POST", issues_path, limited);
        const auto r = sync(server, settings_for(), d);
        REQUIRE(r.ok());
        CHECK(r->action == IssueAction::created);
        const auto posts = server.requests(api_host);
        std::vector<RecordedRequest> creates;
        for (const auto& q : posts)
            if (q.method == "POST" && q.path == issues_path) creates.push_back(q);
        REQUIRE(creates.size() == 2);
        CHECK(creates[1].at - creates[0].at >= 1s);
    }
    SECTION("no token: refused before any request, unless dry run") {
        IssueSettings s = settings_for();
        s.token.clear();
        const auto r = sync(server, s, d);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "GITHUB_TOKEN is not set");
        CHECK(server.total_hits() == 0);
    }
}

TEST_CASE("issue sync: a body over 65,536 characters is never sent", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    std::vector<Change> many;
    for (int i = 0; i < 4000; ++i)
        many.push_back(change(ChangeKind::newly_dead, fmt::format("Entry «{}» {}", i, std::string(60, 'x')),
                              fmt::format("https://dead.test/{}/{}", i, std::string(40, 'y')), "HTTP 404 — gone"));
    const Diff night1 = diff_of("2024-05-01", many);
    const auto r1 = sync(server, settings_for(), night1);
    REQUIRE(r1.ok());  // the fake answers 422 to an over-long body, like GitHub
    CHECK(r1->body.size() <= github_body_limit);
    // Night 2 with as many new ones: the comment is bounded too.
    for (auto& c : many) c.url += "/2";
    const auto r2 = sync(server, settings_for(), diff_of("2024-05-02", many));
    REQUIRE(r2.ok());
    CHECK(r2->action == IssueAction::updated_and_commented);
    for (const auto& m : api_mutations(server)) CHECK(body_field(m).size() <= github_body_limit);
}

TEST_CASE("issue sync: a dry run sends only GET requests and says what it would do", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "A", "https://dead.test/a")});

    SECTION("nothing open: would create the label and the issue") {
        IssueSettings s = settings_for();
        s.dry_run = true;
        const auto r = sync(server, s, d);
        REQUIRE(r.ok());
        check_no_token(r);
        CHECK(r->action == IssueAction::created);
        CHECK(r->body.rfind(tracking_issue_marker, 0) == 0);
        bool would_create = false, would_label = false;
        for (const auto& line : r->log) {
            would_create = would_create || line.rfind("would open the tracking issue", 0) == 0;
            would_label = would_label || line.rfind("would create the label", 0) == 0;
        }
        CHECK(would_create);
        CHECK(would_label);
    }
    SECTION("an open issue: would update and comment; no token needed") {
        github.add_label(label);
        const int n = github.add_issue(FakeIssue{0, "Link health report", marked("old"), "open", "", {label}, false, {}});
        IssueSettings s = settings_for();
        s.dry_run = true;
        s.token.clear();
        const auto r = sync(server, s, d);
        REQUIRE(r.ok());
        CHECK(r->action == IssueAction::updated_and_commented);
        CHECK(r->issue_number == n);
        CHECK(github.issue(n).body == marked("old"));
    }
    CHECK(server.total_hits() > 0);
    CHECK(api_mutations(server).empty());
    CHECK(github.issues().size() <= 1);
}

TEST_CASE("issue sync: the token never leaves the API host", "[issue]") {
    FixtureServer server;
    FakeGitHubIssues github(server, api_host, repo, token);
    github.add_label(label);
    server.on(other_host, "*", Reply{200, {{"Content-Type", "application/json"}}, "[]"});
    const Diff d = diff_of("2024-05-02", {change(ChangeKind::newly_dead, "A", "https://dead.test/a")});
    const std::string issues_path = fmt::format("/repos/{}/issues", repo);

    SECTION("a redirect to another host is refused") {
        Reply away;
        away.status = 301;
        away.headers = {{"Location", fmt::format("http://{}{}?state=open", other_host, issues_path)}};
        github.answer_next("GET", issues_path, away);
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        check_no_token(r);
        CHECK(r.error().message.find("another host") != std::string::npos);
        CHECK(api_mutations(server).empty());
    }
    SECTION("a redirect of a mutation to another host is refused") {
        Reply away;
        away.status = 307;
        away.headers = {{"Location", fmt::format("http://{}{}", other_host, issues_path)}};
        github.answer_next("POST", issues_path, away);
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        check_no_token(r);
    }
    SECTION("a pagination link to another host is refused") {
        Reply page;
        page.status = 200;
        page.headers = {{"Content-Type", "application/json"},
                        {"Link", fmt::format("<http://{}{}?page=2>; rel=\"next\"", other_host, issues_path)}};
        page.body = "[]";
        github.answer_next("GET", issues_path, page);
        const auto r = sync(server, settings_for(), d);
        REQUIRE_FALSE(r.ok());
        check_no_token(r);
        CHECK(r.error().message.find("another host") != std::string::npos);
    }
    SECTION("a redirect on the same host (a renamed repository) is followed") {
        Reply renamed;
        renamed.status = 301;
        renamed.headers = {{"Location", fmt::format("http://{}/repositories/{}/issues?state=open&labels={}", api_host,
                                                    FakeGitHubIssues::repository_id, label)}};
        github.answer_next("GET", issues_path, renamed);
        const auto r = sync(server, settings_for(), d);
        REQUIRE(r.ok());
        check_no_token(r);
        CHECK(r->action == IssueAction::created);
    }
    for (const auto& q : server.requests(other_host)) CHECK(q.header("Authorization").empty());
    CHECK(server.hits(other_host) == 0);
}
