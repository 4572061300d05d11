// The tracking issue's decision, without a network: which categories open or keep an issue,
// titles, the new-items comment, the plan for every case, Link headers and origins.
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "ah/diff_reader.h"
#include "ah/github_issue.h"

using namespace ah;

namespace {

Change change(ChangeKind kind, std::string entry, std::string url, std::string what = "HTTP 404") {
    Change c;
    c.kind = kind;
    c.entry = std::move(entry);
    c.url = std::move(url);
    c.section = "Vision";
    c.what = std::move(what);
    return c;
}

Diff diff_of(std::vector<Change> changes) {
    Diff d;
    d.targets = 120;
    d.new_generated_at = "2024-05-02T03:17:00Z";
    d.old_generated_at = "2024-05-01T03:17:00Z";
    d.changes = std::move(changes);
    return d;
}

TrackedIssue tracked(int number, std::string body = std::string(tracking_issue_marker) + "\nold") {
    return TrackedIssue{number, "Link health report: 1 dead", std::move(body), fmt::format("https://github.com/o/r/issues/{}", number)};
}

std::vector<IssueCallKind> kinds(const IssuePlan& p) {
    std::vector<IssueCallKind> out;
    for (const auto& c : p.calls) out.push_back(c.kind);
    return out;
}

}  // namespace

TEST_CASE("issue: which categories open or keep open the tracking issue", "[issue]") {
    CHECK(opens_issue(ChangeKind::newly_dead));
    CHECK(opens_issue(ChangeKind::still_dead));
    CHECK(opens_issue(ChangeKind::newly_moved));
    CHECK(opens_issue(ChangeKind::metadata));
    CHECK_FALSE(opens_issue(ChangeKind::failing));
    CHECK_FALSE(opens_issue(ChangeKind::newly_blocked));
    CHECK_FALSE(opens_issue(ChangeKind::recovered));
    CHECK_FALSE(opens_issue(ChangeKind::entry_added));
    CHECK_FALSE(has_problems(diff_of({change(ChangeKind::failing, "A", "https://a.test/"),
                                      change(ChangeKind::newly_blocked, "B", "https://b.test/")})));
    CHECK(has_problems(diff_of({change(ChangeKind::still_dead, "A", "https://a.test/")})));
}

TEST_CASE("issue: titles carry the counts", "[issue]") {
    const Diff d = diff_of({change(ChangeKind::newly_dead, "A", "https://a.test/"),
                            change(ChangeKind::still_dead, "B", "https://b.test/"),
                            change(ChangeKind::newly_moved, "C", "https://c.test/"),
                            change(ChangeKind::metadata, "D", "https://d.test/"),
                            change(ChangeKind::metadata, "E", "https://e.test/"),
                            change(ChangeKind::metadata, "F", "https://f.test/"),
                            change(ChangeKind::failing, "G", "https://g.test/")});
    CHECK(issue_title("Link health report", d) == "Link health report: 2 dead, 1 moved, 3 stale metadata");
    CHECK(issue_title("Link health report", diff_of({})) == "Link health report");
}

TEST_CASE("issue: the new-items comment lists only what is new, neutralised", "[issue]") {
    const Diff d = diff_of({change(ChangeKind::newly_dead, "@octocat <b>x</b>", "https://a.test/x y"),
                            change(ChangeKind::still_dead, "OldDead", "https://old.test/"),
                            change(ChangeKind::failing, "Flaky", "https://flaky.test/"),
                            change(ChangeKind::newly_moved, "Moved", "https://m.test/", "permanent redirect (HTTP 301)")});
    const std::string comment = new_items_comment(d);
    CHECK(comment.find("OldDead") == std::string::npos);
    CHECK(comment.find("Flaky") == std::string::npos);
    CHECK(comment.find("Moved") != std::string::npos);
    CHECK(comment.find("@octocat") == std::string::npos);  // no mention
    CHECK(comment.find("<b>") == std::string::npos);       // no raw HTML
    CHECK(comment.find("(https://a.test/x%20y)") != std::string::npos);
    CHECK(new_items_comment(diff_of({change(ChangeKind::still_dead, "A", "https://a.test/")})).empty());

    // Found by the diff_reader fuzz target: the date comes from diff.json, and was written raw.
    Diff odd_date = diff_of({change(ChangeKind::newly_dead, "A", "https://a.test/")});
    odd_date.new_generated_at = "<b>@x\n- y";
    const std::string dated = new_items_comment(odd_date);
    CHECK(dated.find("<b>") == std::string::npos);
    CHECK(dated.find("@x") == std::string::npos);
    CHECK(dated.find("\n- y") == std::string::npos);

    std::vector<Change> many;
    for (int i = 0; i < 5000; ++i)
        many.push_back(change(ChangeKind::newly_dead, fmt::format("Entry{} {}", i, std::string(40, 'x')),
                              fmt::format("https://dead.test/{}", i)));
    const std::string long_comment = new_items_comment(diff_of(many));
    CHECK(long_comment.size() <= github_body_limit);
    CHECK(long_comment.find("more — see the issue body") != std::string::npos);
}

TEST_CASE("issue: plan for each situation", "[issue]") {
    IssueSettings s;
    const Diff problems = diff_of({change(ChangeKind::newly_dead, "A", "https://a.test/")});
    const Diff only_old = diff_of({change(ChangeKind::still_dead, "A", "https://a.test/")});
    const Diff clear = diff_of({change(ChangeKind::recovered, "A", "https://a.test/")});
    const Diff soft = diff_of({change(ChangeKind::failing, "A", "https://a.test/")});

    SECTION("problems, no issue: label then create") {
        const IssuePlan p = plan_issue_sync(s, problems, {});
        CHECK(p.action == IssueAction::created);
        CHECK(kinds(p) == std::vector{IssueCallKind::ensure_label, IssueCallKind::create_issue});
        CHECK(p.calls[1].title == "Link health report: 1 dead");
        CHECK(p.body.rfind(tracking_issue_marker, 0) == 0);
    }
    SECTION("nothing wrong, nothing open: nothing to do") {
        CHECK(plan_issue_sync(s, clear, {}).calls.empty());
        CHECK(plan_issue_sync(s, soft, {}).calls.empty());  // failing alone never opens one
        CHECK(plan_issue_sync(s, clear, {}).action == IssueAction::none);
    }
    SECTION("problems, open issue, something new: update and comment") {
        const IssuePlan p = plan_issue_sync(s, problems, {tracked(7)});
        CHECK(p.action == IssueAction::updated_and_commented);
        CHECK(p.issue_number == 7);
        CHECK(kinds(p) == std::vector{IssueCallKind::update_issue, IssueCallKind::comment});
    }
    SECTION("problems, open issue, nothing new: update only") {
        const IssuePlan p = plan_issue_sync(s, only_old, {tracked(7)});
        CHECK(p.action == IssueAction::updated);
        CHECK(kinds(p) == std::vector{IssueCallKind::update_issue});
    }
    SECTION("problems, open issue already up to date: nothing") {
        const IssuePlan p = plan_issue_sync(
            s, only_old, {TrackedIssue{7, issue_title(s.title, only_old), issue_body(only_old), ""}});
        CHECK(p.calls.empty());
        CHECK(p.action == IssueAction::none);
    }
    SECTION("all clear, open issue: comment then close as completed") {
        const IssuePlan p = plan_issue_sync(s, clear, {tracked(7)});
        CHECK(p.action == IssueAction::closed);
        REQUIRE(kinds(p) == std::vector{IssueCallKind::comment, IssueCallKind::close_issue});
        CHECK(p.calls[0].body.rfind("All 120 links healthy as of 2024-05-02", 0) == 0);
        CHECK(p.calls[1].state_reason == "completed");
    }
    SECTION("only failing links, open issue: closed, and the comment says why it is not all healthy") {
        const IssuePlan p = plan_issue_sync(s, soft, {tracked(7)});
        CHECK(p.action == IssueAction::closed);
        REQUIRE_FALSE(p.calls.empty());
        CHECK(p.calls[0].body.find("1 failing but not yet confirmed") != std::string::npos);
    }
    SECTION("two open tracking issues: the oldest is kept, the other closed as a duplicate") {
        const IssuePlan p = plan_issue_sync(s, only_old, {tracked(9), tracked(4)});
        CHECK(p.issue_number == 4);
        REQUIRE(kinds(p) ==
                std::vector{IssueCallKind::update_issue, IssueCallKind::comment, IssueCallKind::close_issue});
        CHECK(p.calls[0].issue_number == 4);
        CHECK(p.calls[1].issue_number == 9);
        CHECK(p.calls[1].body.find("#4") != std::string::npos);
        CHECK(p.calls[2].issue_number == 9);
        CHECK(p.calls[2].state_reason == "not_planned");
    }
}

TEST_CASE("issue: Link headers and origins", "[issue]") {
    CHECK(next_link("<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
                    "<https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"") ==
          "https://api.github.com/repositories/1/issues?page=2");
    CHECK(next_link("<https://x/?page=1>; rel=\"prev\", <https://x/?page=3>; rel=\"next\"") == "https://x/?page=3");
    CHECK(next_link("<https://x/?page=5>; rel=\"last\"").empty());
    CHECK(next_link("").empty());
    CHECK(url_origin("https://API.github.com/repos/o/r") == "https://api.github.com");
    CHECK(url_origin("https://api.github.com:443/x") == "https://api.github.com");
    CHECK(url_origin("http://ghe.test:8080/api/v3") == "http://ghe.test:8080");
    CHECK(url_origin("https://user:pw@api.github.com/x") == "https://api.github.com");
    CHECK(url_origin("https://api.github.com.evil.test/x") != url_origin("https://api.github.com/"));
    CHECK(url_origin("ftp://x/").empty());
    CHECK(url_origin("/relative").empty());
}

TEST_CASE("issue: diff.json reads back into the same Diff (what the issue command syncs from)", "[issue]") {
    Diff d = diff_of({change(ChangeKind::newly_dead, "A|b", "https://a.test/x"),
                      change(ChangeKind::metadata, "M", "https://github.com/o/r", "repository archived"),
                      change(ChangeKind::entry_removed, "Gone", "")});
    d.changes[1].detail = "archived_repo";
    d.changes[0].line = 12;
    d.changes[0].since = "2024-04-30T03:17:00Z";
    d.changes[0].fix = "archived copy: https://web.archive.org/x";
    d.list_source = "README.md";
    const auto back = diff_from_json(diff_to_json(d), "diff.json");
    REQUIRE(back.ok());
    CHECK(diff_to_json(*back) == diff_to_json(d));
    CHECK(diff_to_markdown(*back) == diff_to_markdown(d));
    CHECK(back->changes[1].detail == "archived_repo");

    const auto golden = diff_from_json(R"({"changes":[{"kind":"newly_dead","url":"u"}],"targets":3})", "x.json");
    REQUIRE(golden.ok());
    CHECK(golden->targets == 3);
    CHECK_FALSE(diff_from_json("[]", "diff.json").ok());
    const auto unknown = diff_from_json(R"({"changes":[{"kind":"exploded"}]})", "reports/diff.json");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().to_string().find("reports/diff.json") != std::string::npos);
    CHECK(unknown.error().message.find("exploded") != std::string::npos);
}
