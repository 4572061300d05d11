// Tests for the GitHub metadata stage: the pure query builder and parsers on recorded
// shapes (tests/fixtures/github), and the client against a fake GitHub API played by the
// loopback fixture server (batches, NOT_FOUND, renames, rate limits, 502 splits, 401,
// ETag/304, 301, and the token never reaching another host).
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "ah/github.h"
#include "ah/json_writer.h"
#include "net/http_engine.h"
#include "net/polite_transport.h"
#include "support/fixture_server.h"

using namespace ah;
using namespace std::chrono_literals;
using ah::testing::FixtureServer;
using ah::testing::RecordedRequest;
using ah::testing::Reply;

namespace {

constexpr const char* api_host = "api.github.test";
constexpr const char* api_url = "http://api.github.test";
constexpr const char* test_token = "ghp_TESTtokenNeverToBeSeen0123456789";

std::string fixture(std::string_view name) {
    std::ifstream in(std::string(AH_FIXTURES_DIR) + "/github/" + std::string(name), std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Reply json_reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return r;
}

std::string epoch_in(std::chrono::seconds from_now) {
    const auto t = std::chrono::system_clock::now() + from_now;
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

// The listed names of one GraphQL request, from its variables (o0/n0, o1/n1, ...).
std::vector<std::string> batch_of(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
    simdjson::dom::object vars;
    REQUIRE(doc["variables"].get(vars) == simdjson::SUCCESS);
    std::vector<std::string> out;
    for (std::size_t i = 0;; ++i) {
        std::string_view owner, name;
        if (vars[fmt::format("o{}", i)].get(owner) != simdjson::SUCCESS) break;
        REQUIRE(vars[fmt::format("n{}", i)].get(name) == simdjson::SUCCESS);
        out.push_back(fmt::format("{}/{}", owner, name));
    }
    return out;
}

// A fake GraphQL endpoint: each alias is answered from `world` (lower-cased listed name →
// current nameWithOwner); names not in it get null and a NOT_FOUND error, as GitHub does.
ah::testing::Handler fake_graphql(std::map<std::string, std::string> world) {
    return [world](const RecordedRequest& request) {
        const auto repos = batch_of(request.body);
        JsonWriter w(false);
        w.begin_object().key("data").begin_object();
        std::vector<std::size_t> missing;
        for (std::size_t i = 0; i < repos.size(); ++i) {
            w.key(fmt::format("r{}", i));
            const auto found = world.find(github_repo_key(repos[i]));
            if (found == world.end()) {
                w.null();
                missing.push_back(i);
                continue;
            }
            w.begin_object()
                .field("nameWithOwner", found->second)
                .field("url", "https://github.com/" + found->second)
                .field("stargazerCount", static_cast<std::int64_t>(100 + i))
                .field("pushedAt", "2024-05-02T09:14:27Z")
                .field("isArchived", false)
                .field("isDisabled", false)
                .field("isFork", false);
            w.key("licenseInfo").begin_object().field("spdxId", "MIT").end_object();
            w.key("defaultBranchRef").begin_object().key("target").begin_object();
            w.field("committedDate", "2024-05-01T17:03:11Z").end_object().end_object();
            w.end_object();
        }
        w.key("rateLimit").begin_object().field("cost", 1).field("remaining", 4000).field(
            "resetAt", "2030-01-01T00:00:00Z");
        w.end_object().end_object();
        if (!missing.empty()) {
            w.key("errors").begin_array();
            for (auto i : missing) {
                w.begin_object().field("type", "NOT_FOUND");
                w.key("path").begin_array().value(fmt::format("r{}", i)).end_array();
                w.field("message", fmt::format("Could not resolve to a Repository with the name '{}'.", repos[i]));
                w.end_object();
            }
            w.end_array();
        }
        w.end_object();
        return json_reply(200, w.take());
    };
}

std::map<std::string, std::string> world_of(const std::vector<std::string>& repos) {
    std::map<std::string, std::string> world;
    for (const auto& r : repos) world[github_repo_key(r)] = r;
    return world;
}

GithubSettings settings_for(bool with_token) {
    GithubSettings s;
    s.api_url = api_url;
    if (with_token) s.token = test_token;
    s.timeout = 3000ms;
    s.retry_base = 10ms;
    s.retry_max = 50ms;
    s.max_rate_limit_wait = 5s;
    return s;
}

// Runs one lookup against the fixture server; api.github.test and evil.test lead there.
GithubLookup lookup(const FixtureServer& server, GithubSettings settings, std::vector<std::string> repos) {
    boost::asio::io_context io;
    EngineOptions options;
    for (const char* host : {api_host, "evil.test"})
        options.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", host, server.http_port()));
    net::HttpEngine engine(io, options);
    GithubClient client(io, engine, std::move(settings));
    std::optional<GithubLookup> result;
    client.lookup(std::move(repos), [&](GithubLookup l) { result = std::move(l); });
    io.run_for(20s);
    REQUIRE(result);
    return std::move(*result);
}

const RepoInfo& repo(const GithubLookup& l, std::string_view listed) {
    const auto found = l.repos.find(github_repo_key(listed));
    REQUIRE(found != l.repos.end());
    return found->second;
}

void check_no_token(const GithubLookup& l) {
    for (const auto& [key, info] : l.repos) CHECK(info.error.find(test_token) == std::string::npos);
    for (const auto& w : l.warnings) CHECK(w.find(test_token) == std::string::npos);
}

RepoInfo previous_info(std::string listed, std::int64_t stars, std::string etag = "") {
    RepoInfo info;
    info.listed = listed;
    info.exists = true;
    info.name_with_owner = listed;
    info.url = "https://github.com/" + listed;
    info.stars = stars;
    info.etag = std::move(etag);
    return info;
}

}  // namespace

// ---------------- pure functions ----------------

TEST_CASE("github: names, keys and renames", "[github]") {
    CHECK(github_repo_key("Microsoft/TorchGeo") == "microsoft/torchgeo");
    CHECK(is_github_repo_name("microsoft/torchgeo"));
    CHECK(is_github_repo_name("a-b/c_d.e"));
    CHECK_FALSE(is_github_repo_name("microsoft"));
    CHECK_FALSE(is_github_repo_name("a/b/c"));
    CHECK_FALSE(is_github_repo_name("a/.."));
    CHECK_FALSE(is_github_repo_name("/b"));
    CHECK_FALSE(is_github_repo_name("a/b?x=1"));
    CHECK_FALSE(is_github_repo_name("a/b c"));
    RepoInfo info;
    info.listed = "Owner/Repo";
    CHECK_FALSE(info.renamed());  // unknown current name
    info.name_with_owner = "owner/repo";
    CHECK_FALSE(info.renamed());  // case only
    info.name_with_owner = "NewOwner/repo";
    CHECK(info.renamed());
}

TEST_CASE("github: the GraphQL query uses aliases and variables, never the names", "[github]") {
    const std::vector<std::string> repos = {"microsoft/torchgeo", "evil\"){ viewer { login } }/x\\y\n",
                                            "o/n"};
    const std::string query = build_graphql_query(repos);
    CHECK(query.find("r0: repository(owner: $o0, name: $n0)") != std::string::npos);
    CHECK(query.find("r2: repository(owner: $o2, name: $n2)") != std::string::npos);
    CHECK(query.find("$o1: String!") != std::string::npos);
    CHECK(query.find("rateLimit { cost remaining resetAt }") != std::string::npos);
    CHECK(query.find("stargazerCount") != std::string::npos);
    CHECK(query.find("committedDate") != std::string::npos);
    CHECK(query.find("torchgeo") == std::string::npos);
    CHECK(query.find("viewer") == std::string::npos);

    // The body is valid JSON and the variables round-trip byte for byte.
    const std::string body = build_graphql_body(repos);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
    std::string_view q;
    REQUIRE(doc["query"].get(q) == simdjson::SUCCESS);
    CHECK(q == query);
    CHECK(batch_of(body) == repos);
    std::string_view o1;
    REQUIRE(doc["variables"]["o1"].get(o1) == simdjson::SUCCESS);
    CHECK(o1 == "evil\"){ viewer { login } }");

    // An empty batch is still a valid query.
    REQUIRE(parser.parse(build_graphql_body({})).get(doc) == simdjson::SUCCESS);
}

TEST_CASE("github: parse a GraphQL batch with a rename, an archived fork and NOT_FOUND", "[github]") {
    const std::vector<std::string> repos = {"microsoft/torchgeo", "OldOwner/old-name", "someone/old-fork",
                                            "gone-owner/deleted-repo"};
    const auto result = parse_graphql_response(fixture("graphql_batch.json"), repos);
    CHECK(result.error.empty());
    CHECK_FALSE(result.rate_limited);
    CHECK(result.remaining == 4987);
    CHECK(result.reset_at == "2024-05-02T10:00:00Z");
    REQUIRE(result.repos.size() == 4);

    const RepoInfo& torchgeo = result.repos.at("microsoft/torchgeo");
    CHECK(torchgeo.exists);
    CHECK(torchgeo.error.empty());
    CHECK(torchgeo.listed == "microsoft/torchgeo");
    CHECK(torchgeo.name_with_owner == "microsoft/torchgeo");
    CHECK(torchgeo.url == "https://github.com/microsoft/torchgeo");
    CHECK(torchgeo.stars == 2876);
    CHECK(torchgeo.pushed_at == "2024-05-02T09:14:27Z");
    CHECK(torchgeo.last_commit_at == "2024-05-01T17:03:11Z");
    CHECK(torchgeo.license == "MIT");
    CHECK_FALSE(torchgeo.archived);
    CHECK_FALSE(torchgeo.renamed());

    const RepoInfo& moved = result.repos.at("oldowner/old-name");
    CHECK(moved.exists);
    CHECK(moved.renamed());
    CHECK(moved.name_with_owner == "NewOwner/new-name");
    CHECK(moved.listed == "OldOwner/old-name");

    const RepoInfo& fork = result.repos.at("someone/old-fork");
    CHECK(fork.exists);
    CHECK(fork.archived);
    CHECK(fork.fork);
    CHECK(fork.license.empty());
    CHECK(fork.last_commit_at.empty());
    CHECK(fork.pushed_at.empty());

    const RepoInfo& gone = result.repos.at("gone-owner/deleted-repo");
    CHECK_FALSE(gone.exists);
    CHECK(gone.error.empty());  // not found is an answer, not a failure
}

TEST_CASE("github: parse GraphQL rate limits and errors", "[github]") {
    const std::vector<std::string> repos = {"a/b", "c/d"};
    SECTION("RATE_LIMITED") {
        const auto result = parse_graphql_response(fixture("graphql_rate_limited.json"), repos);
        CHECK(result.rate_limited);
        REQUIRE(result.repos.size() == 2);
        for (const auto& [k, info] : result.repos) {
            CHECK_FALSE(info.exists);
            CHECK_FALSE(info.error.empty());  // never "not found"
        }
    }
    SECTION("RATE_LIMIT, as some pages spell it") {
        const auto result = parse_graphql_response(
            R"({"data":null,"errors":[{"type":"RATE_LIMIT","message":"API rate limit exceeded"}]})", repos);
        CHECK(result.rate_limited);
    }
    SECTION("an error on another alias and a nested NOT_FOUND") {
        const auto result = parse_graphql_response(
            R"({"data":{"r0":{"nameWithOwner":"a/b"},"r1":null},
                "errors":[{"type":"NOT_FOUND","path":["r0","defaultBranchRef"],"message":"x"},
                          {"type":"FORBIDDEN","path":["r1"],"message":"SAML enforcement"}]})",
            repos);
        CHECK(result.repos.at("a/b").exists);
        CHECK_FALSE(result.repos.at("c/d").exists);
        CHECK(result.repos.at("c/d").error.find("SAML") != std::string::npos);
    }
    SECTION("garbage never throws and never says not found") {
        for (std::string_view bad :
             {"", "not json", "[]", "null", R"({"data":null})", R"({"data":{"r0":"x","r1":[]}})",
              R"({"errors":[{"message":"Something went wrong"}]})", R"({"errors":"x"})",
              R"({"errors":[{"type":"NOT_FOUND","path":["r99"]},{"type":"NOT_FOUND","path":[0]}]})",
              R"({"data":{"r0":{"stargazerCount":"many","licenseInfo":3}})"}) {
            INFO(bad);
            GraphqlBatchResult result;
            REQUIRE_NOTHROW(result = parse_graphql_response(bad, repos));
            REQUIRE(result.repos.size() == 2);
            for (const auto& [k, info] : result.repos)
                if (!info.exists) CHECK_FALSE(info.error.empty());
        }
    }
}

TEST_CASE("github: parse REST repository answers", "[github]") {
    const RepoInfo info = parse_rest_repo(fixture("rest_repo.json"), "Microsoft/TorchGeo");
    CHECK(info.exists);
    CHECK(info.error.empty());
    CHECK(info.listed == "Microsoft/TorchGeo");
    CHECK(info.name_with_owner == "microsoft/torchgeo");
    CHECK_FALSE(info.renamed());
    CHECK(info.stars == 2876);
    CHECK(info.license == "MIT");
    CHECK(info.pushed_at == "2024-05-02T09:14:27Z");
    CHECK(info.url == "https://github.com/microsoft/torchgeo");
    CHECK(info.last_commit_at.empty());  // REST "Get a repository" does not say

    const RepoInfo moved = parse_rest_repo(fixture("rest_repo_renamed.json"), "OldOwner/old-name");
    CHECK(moved.renamed());
    CHECK(moved.archived);
    CHECK(moved.license.empty());

    for (std::string_view bad : {"", "{", "[]", R"({"message":"Not Found"})"}) {
        const RepoInfo r = parse_rest_repo(bad, "a/b");
        CHECK_FALSE(r.exists);
        CHECK_FALSE(r.error.empty());
    }
}

// ---------------- GraphQL client ----------------

TEST_CASE("github: 77 repositories in batches of 50 take two GraphQL requests", "[github]") {
    FixtureServer server;
    std::vector<std::string> repos;
    for (int i = 0; i < 77; ++i) repos.push_back(fmt::format("owner{}/repo-{}", i, i));
    server.on(api_host, "/graphql", fake_graphql(world_of(repos)), "POST");
    auto listed = repos;
    listed.push_back("OWNER3/Repo-3");  // the same repository, spelt differently
    const GithubLookup l = lookup(server, settings_for(true), listed);

    CHECK(l.graphql_requests == 2);
    CHECK(l.rest_requests == 0);
    CHECK(l.repos.size() == 77);
    CHECK(l.warnings.empty());
    CHECK_FALSE(l.auth_failed);
    CHECK(l.rate_remaining == 4000);
    for (const auto& r : repos) {
        const RepoInfo& info = repo(l, r);
        CHECK(info.exists);
        CHECK(info.error.empty());
        CHECK_FALSE(info.renamed());
        CHECK(info.last_commit_at == "2024-05-01T17:03:11Z");
    }
    const auto requests = server.requests(api_host);
    REQUIRE(requests.size() == 2);
    CHECK(batch_of(requests[0].body).size() == 50);
    CHECK(batch_of(requests[1].body).size() == 27);
    for (const auto& r : requests) {
        CHECK(r.method == "POST");
        CHECK(r.header("Authorization") == std::string("bearer ") + test_token);
        CHECK(r.header("Content-Type") == "application/json");
    }
}

TEST_CASE("github: a recorded GraphQL batch gives not found and a rename", "[github]") {
    FixtureServer server;
    server.on(api_host, "/graphql", json_reply(200, fixture("graphql_batch.json")), "POST");
    const GithubLookup l = lookup(server, settings_for(true),
                                  {"microsoft/torchgeo", "OldOwner/old-name", "someone/old-fork",
                                   "gone-owner/deleted-repo", "not a repo"});
    CHECK(l.graphql_requests == 1);
    CHECK(repo(l, "microsoft/torchgeo").exists);
    CHECK(repo(l, "OldOwner/old-name").renamed());
    CHECK(repo(l, "OldOwner/old-name").name_with_owner == "NewOwner/new-name");
    CHECK_FALSE(repo(l, "gone-owner/deleted-repo").exists);
    CHECK(repo(l, "gone-owner/deleted-repo").error.empty());
    CHECK(repo(l, "not a repo").error.find("not a GitHub repository name") != std::string::npos);
    CHECK(batch_of(server.requests(api_host).at(0).body).size() == 4);
    CHECK(l.rate_remaining == 4987);
}

TEST_CASE("github: RATE_LIMITED is waited out when the reset is near", "[github]") {
    FixtureServer server;
    const std::vector<std::string> repos = {"a/one", "b/two"};
    auto hits = std::make_shared<std::atomic<int>>(0);
    auto fake = fake_graphql(world_of(repos));
    const Reply limited = json_reply(200, fixture("graphql_rate_limited.json"),
                                     // Whole epoch seconds: 2 s ahead is at least 1 s after the answer
                                     // arrives (1 s ahead could already be past under TSan).
                                     {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", epoch_in(2s)}});
    server.on(api_host, "/graphql", [hits, fake, limited](const RecordedRequest& r) {
        return (*hits)++ == 0 ? limited : fake(r);
    }, "POST");
    const auto start = std::chrono::steady_clock::now();
    const GithubLookup l = lookup(server, settings_for(true), repos);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(l.graphql_requests == 2);
    CHECK(repo(l, "a/one").exists);
    CHECK(repo(l, "b/two").exists);
    CHECK(l.warnings.empty());
    CHECK(took >= 300ms);
    CHECK(took < 5s);
}

TEST_CASE("github: RATE_LIMITED with a distant reset keeps previous metadata, one warning", "[github]") {
    FixtureServer server;
    server.on(api_host, "/graphql",
              json_reply(200, fixture("graphql_rate_limited.json"),
                         {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", epoch_in(3600s)}}),
              "POST");
    GithubSettings s = settings_for(true);
    s.batch_size = 2;
    s.previous["a/one"] = previous_info("a/one", 7);
    const GithubLookup l = lookup(server, s, {"a/one", "b/two", "c/three"});
    CHECK(l.graphql_requests == 1);  // the second batch is never sent
    const RepoInfo& kept = repo(l, "a/one");
    CHECK(kept.stale_copy);
    CHECK(kept.exists);
    CHECK(kept.stars == 7);
    CHECK(kept.error.empty());
    for (const char* r : {"b/two", "c/three"}) {
        CHECK_FALSE(repo(l, r).stale_copy);
        CHECK(repo(l, r).error == "not checked: GitHub rate limit");
    }
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0].find("rate limit") != std::string::npos);
    CHECK(l.warnings[0].find("previous metadata kept for 1 repository, 2 not checked") != std::string::npos);
    CHECK(l.rate_remaining == 0);
    CHECK_FALSE(l.rate_reset_at.empty());
    check_no_token(l);
}

TEST_CASE("github: a 403 secondary rate limit with Retry-After is honoured", "[github]") {
    FixtureServer server;
    const std::vector<std::string> repos = {"a/one"};
    auto fake = fake_graphql(world_of(repos));
    auto hits = std::make_shared<std::atomic<int>>(0);
    server.on(api_host, "/graphql", [hits, fake](const RecordedRequest& r) {
        if ((*hits)++ == 0)
            return json_reply(403, R"({"message":"You have exceeded a secondary rate limit."})",
                              {{"retry-after", "1"}});
        return fake(r);
    }, "POST");
    const GithubLookup l = lookup(server, settings_for(true), repos);
    CHECK(l.graphql_requests == 2);
    CHECK(repo(l, "a/one").exists);
    const auto requests = server.requests(api_host);
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].at - requests[0].at >= 900ms);
}

TEST_CASE("github: 502 halves the batch until GitHub can answer", "[github]") {
    FixtureServer server;
    std::vector<std::string> repos;
    for (int i = 0; i < 8; ++i) repos.push_back(fmt::format("o/r{}", i));
    auto fake = fake_graphql(world_of(repos));
    server.on(api_host, "/graphql", [fake](const RecordedRequest& r) {
        if (batch_of(r.body).size() > 2) return json_reply(502, R"({"message":"Bad gateway"})");
        return fake(r);
    }, "POST");
    GithubSettings s = settings_for(true);
    s.batch_size = 8;
    const GithubLookup l = lookup(server, s, repos);
    CHECK(l.graphql_requests == 7);  // 8 -> 4 + 4 -> 2 + 2 + 2 + 2
    for (const auto& r : repos) CHECK(repo(l, r).exists);
    std::vector<std::size_t> sizes;
    for (const auto& r : server.requests(api_host)) sizes.push_back(batch_of(r.body).size());
    CHECK(sizes == std::vector<std::size_t>{8, 4, 2, 2, 4, 2, 2});
}

TEST_CASE("github: a lone repository that keeps failing is an error, not dead", "[github]") {
    FixtureServer server;
    server.on(api_host, "/graphql", json_reply(504, "{}"), "POST");
    GithubSettings s = settings_for(true);
    s.max_retries = 2;
    const GithubLookup l = lookup(server, s, {"a/b"});
    CHECK(l.graphql_requests == 3);
    CHECK_FALSE(repo(l, "a/b").exists);
    CHECK(repo(l, "a/b").error.find("504") != std::string::npos);
}

TEST_CASE("github: 401 stops after one request with one message", "[github]") {
    FixtureServer server;
    server.on(api_host, "/graphql", json_reply(401, fixture("graphql_401.json")), "POST");
    GithubSettings s = settings_for(true);
    s.batch_size = 2;
    s.previous["a/one"] = previous_info("a/one", 3);
    const GithubLookup l = lookup(server, s, {"a/one", "b/two", "c/three", "d/four"});
    CHECK(l.auth_failed);
    CHECK(l.graphql_requests == 1);
    CHECK(server.hits(api_host) == 1);
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0].find("401") != std::string::npos);
    CHECK(repo(l, "a/one").stale_copy);
    CHECK(repo(l, "b/two").error.find("authentication") != std::string::npos);
    check_no_token(l);
}

TEST_CASE("github: the token never follows a redirect to another host", "[github]") {
    FixtureServer server;
    const std::vector<std::string> repos = {"a/one"};
    server.on("evil.test", "*", fake_graphql(world_of(repos)));
    SECTION("GraphQL redirected to another host is refused") {
        server.on(api_host, "/graphql",
                  json_reply(307, "", {{"Location", "http://evil.test/graphql?token=" + std::string(test_token)}}),
                  "POST");
        const GithubLookup l = lookup(server, settings_for(true), repos);
        CHECK(server.hits("evil.test") == 0);
        CHECK_FALSE(repo(l, "a/one").exists);
        CHECK(repo(l, "a/one").error.find("not followed") != std::string::npos);
        check_no_token(l);
    }
    SECTION("a redirect on the API host keeps the token there") {
        server.on(api_host, "/graphql", json_reply(307, "", {{"Location", "/api/graphql"}}), "POST");
        server.on(api_host, "/api/graphql", fake_graphql(world_of(repos)), "POST");
        const GithubLookup l = lookup(server, settings_for(true), repos);
        CHECK(repo(l, "a/one").exists);
        CHECK(server.hits(api_host, "/api/graphql") == 1);
        for (const auto& r : server.requests(api_host))
            CHECK(r.header("Authorization") == std::string("bearer ") + test_token);
        CHECK(server.hits("evil.test") == 0);
    }
    SECTION("an API host given with another port is another host") {
        server.on(api_host, "/graphql",
                  json_reply(308, "", {{"Location", "http://api.github.test:8080/graphql"}}), "POST");
        const GithubLookup l = lookup(server, settings_for(true), repos);
        CHECK(server.hits(api_host) == 1);
        CHECK_FALSE(repo(l, "a/one").error.empty());
    }
    SECTION("REST redirected to another host is refused") {
        server.on(api_host, "/repos/a/one",
                  json_reply(301, fixture("rest_301.json"), {{"Location", "http://evil.test/repositories/1"}}));
        const GithubLookup l = lookup(server, settings_for(false), repos);
        CHECK(server.hits("evil.test") == 0);
        CHECK(repo(l, "a/one").error.find("not followed") != std::string::npos);
        CHECK_FALSE(repo(l, "a/one").exists);
    }
    for (const auto& r : server.requests("evil.test")) CHECK(r.header("Authorization").empty());
}

// ---------------- REST client ----------------

TEST_CASE("github: REST sends the previous ETag and keeps the metadata on 304", "[github]") {
    FixtureServer server;
    server.on(api_host, "/repos/microsoft/torchgeo", [](const RecordedRequest& r) {
        if (r.header("If-None-Match") == "\"abc\"") return json_reply(304, "", {{"ETag", "\"abc\""}});
        return json_reply(200, fixture("rest_repo.json"), {{"ETag", "\"abc\""}});
    });
    server.on(api_host, "/repos/other/repo",
              json_reply(200, R"({"full_name":"other/repo","stargazers_count":5})",
                         {{"ETag", "W/\"def\""}, {"x-ratelimit-remaining", "57"},
                          {"x-ratelimit-reset", "1714644000"}}));
    GithubSettings s = settings_for(false);
    s.previous["microsoft/torchgeo"] = previous_info("microsoft/torchgeo", 2000, "\"abc\"");
    const GithubLookup l = lookup(server, s, {"microsoft/torchgeo", "other/repo"});
    CHECK(l.rest_requests == 2);
    CHECK(l.graphql_requests == 0);
    CHECK(l.not_modified == 1);
    const RepoInfo& kept = repo(l, "microsoft/torchgeo");
    CHECK(kept.exists);
    CHECK_FALSE(kept.stale_copy);  // refreshed: GitHub said nothing changed
    CHECK(kept.stars == 2000);
    CHECK(kept.etag == "\"abc\"");
    const RepoInfo& fresh = repo(l, "other/repo");
    CHECK(fresh.stars == 5);
    CHECK(fresh.etag == "W/\"def\"");
    CHECK(l.rate_remaining == 57);
    CHECK(l.rate_reset_at == "2024-05-02T10:00:00Z");
    const auto requests = server.requests(api_host);
    REQUIRE(requests.size() == 2);
    for (const auto& r : requests) {
        CHECK(r.method == "GET");
        CHECK(r.header("Accept") == "application/vnd.github+json");
        CHECK(r.header("X-GitHub-Api-Version") == "2022-11-28");
        CHECK(r.header("Authorization").empty());
    }
    CHECK(requests[1].header("If-None-Match").empty());
}

TEST_CASE("github: REST 404 is not found; 301 to /repositories/{id} is a rename", "[github]") {
    FixtureServer server;
    server.on(api_host, "/repos/gone/repo", json_reply(404, fixture("rest_404.json")));
    server.on(api_host, "/repos/OldOwner/old-name",
              json_reply(301, fixture("rest_301.json"), {{"Location", "http://api.github.test/repositories/123456789"}}));
    server.on(api_host, "/repositories/123456789", json_reply(200, fixture("rest_repo_renamed.json")));
    server.sequence(api_host, "/repos/flaky/repo",
                    {json_reply(503, "{}"), json_reply(200, R"({"full_name":"flaky/repo"})")});
    server.on(api_host, "/repos/private/repo", json_reply(403, R"({"message":"Forbidden"})"));
    const GithubLookup l =
        lookup(server, settings_for(false), {"gone/repo", "OldOwner/old-name", "flaky/repo", "private/repo"});
    CHECK_FALSE(repo(l, "gone/repo").exists);
    CHECK(repo(l, "gone/repo").error.empty());
    const RepoInfo& moved = repo(l, "OldOwner/old-name");
    CHECK(moved.exists);
    CHECK(moved.renamed());
    CHECK(moved.name_with_owner == "NewOwner/new-name");
    CHECK(moved.archived);
    CHECK(repo(l, "flaky/repo").exists);
    CHECK(repo(l, "private/repo").error.find("403") != std::string::npos);
    CHECK(l.rest_requests == 6);
    CHECK(l.warnings.empty());
}

TEST_CASE("github: REST stops when the quota is spent, with stale copies and one warning", "[github]") {
    FixtureServer server;
    const std::string reset = epoch_in(3600s);
    server.on(api_host, "/repos/a/one",
              json_reply(200, R"({"full_name":"a/one"})",
                         {{"x-ratelimit-limit", "60"}, {"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset}}));
    server.on(api_host, "*",
              json_reply(403, fixture("rest_403_rate_limit.json"),
                         {{"x-ratelimit-limit", "60"}, {"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset}}));
    GithubSettings s = settings_for(false);
    s.previous["b/two"] = previous_info("b/two", 22, "\"etag-b\"");
    s.previous["c/three"] = previous_info("c/three", 33);
    SECTION("x-ratelimit-remaining: 0 on an answer stops before the next request") {
        const GithubLookup l = lookup(server, s, {"a/one", "b/two", "c/three", "d/four"});
        CHECK(l.rest_requests == 1);
        CHECK(repo(l, "a/one").exists);
        CHECK_FALSE(repo(l, "a/one").stale_copy);
        CHECK(repo(l, "b/two").stale_copy);
        CHECK(repo(l, "b/two").stars == 22);
        CHECK(repo(l, "b/two").etag == "\"etag-b\"");  // kept for the next run
        CHECK(repo(l, "c/three").stale_copy);
        CHECK(repo(l, "d/four").error == "not checked: GitHub rate limit");
        REQUIRE(l.warnings.size() == 1);
        CHECK(l.warnings[0].find("GITHUB_TOKEN") != std::string::npos);
        CHECK(l.warnings[0].find("previous metadata kept for 2 repositories, 1 not checked") !=
              std::string::npos);
        CHECK(l.rate_remaining == 0);
    }
    SECTION("a 403 rate-limit answer stops too") {
        const GithubLookup l = lookup(server, s, {"b/two", "c/three", "d/four"});
        CHECK(l.rest_requests == 1);
        CHECK(repo(l, "b/two").stale_copy);
        CHECK(repo(l, "c/three").stale_copy);
        CHECK_FALSE(repo(l, "d/four").error.empty());
        CHECK_FALSE(repo(l, "d/four").exists);
        REQUIRE(l.warnings.size() == 1);
        CHECK(l.warnings[0].find("GITHUB_TOKEN") != std::string::npos);
    }
}

TEST_CASE("github: an empty list finishes without a request", "[github]") {
    FixtureServer server;
    const GithubLookup l = lookup(server, settings_for(true), {});
    CHECK(l.repos.empty());
    CHECK(server.total_hits() == 0);
}

TEST_CASE("github: the client runs through the politeness policy", "[github]") {
    FixtureServer server;
    const std::vector<std::string> repos = {"a/one", "b/two"};
    server.on(api_host, "/graphql", fake_graphql(world_of(repos)), "POST");
    boost::asio::io_context io;
    EngineOptions options;
    options.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", api_host, server.http_port()));
    net::HttpEngine engine(io, options);
    net::PoliteClient polite(io, engine);
    net::PoliteTransport transport(polite);
    GithubSettings s = settings_for(true);
    s.batch_size = 1;
    GithubClient client(io, transport, s);
    std::optional<GithubLookup> result;
    client.lookup(repos, [&](GithubLookup l) { result = std::move(l); });
    io.run_for(10s);
    REQUIRE(result);
    CHECK(result->repos.at("a/one").exists);
    CHECK(result->repos.at("b/two").exists);
    const auto stats = polite.host_stats();
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].host == api_host);
    CHECK(stats[0].requests_finished == 2);
}

TEST_CASE("github: REST waits for a near quota reset and goes on", "[github]") {
    FixtureServer server;
    server.on(api_host, "/repos/a/one",
              json_reply(200, R"({"full_name":"a/one"})",
                         {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", epoch_in(1s)}}));
    server.on(api_host, "/repos/b/two", json_reply(200, R"({"full_name":"b/two"})"));
    const GithubLookup l = lookup(server, settings_for(false), {"a/one", "b/two"});
    CHECK(repo(l, "a/one").exists);
    CHECK(repo(l, "b/two").exists);
    CHECK_FALSE(repo(l, "b/two").stale_copy);
    CHECK(l.warnings.empty());
    const auto requests = server.requests(api_host);
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].at - requests[0].at >= 200ms);
}

TEST_CASE("github: a connection reset mid-answer is retried", "[github]") {
    FixtureServer server;
    const std::vector<std::string> repos = {"a/one"};
    Reply broken = json_reply(200, std::string(4000, ' ') + "{}");
    broken.fault = ah::testing::Fault::reset_mid_body;
    auto fake = fake_graphql(world_of(repos));
    auto hits = std::make_shared<std::atomic<int>>(0);
    server.on(api_host, "/graphql", [hits, fake, broken](const RecordedRequest& r) {
        return (*hits)++ == 0 ? broken : fake(r);
    }, "POST");
    const GithubLookup l = lookup(server, settings_for(true), repos);
    CHECK(l.graphql_requests == 2);
    CHECK(repo(l, "a/one").exists);
}
