// Diff and its renderings: categories, escaping of untrusted text, GitHub's body limit,
// and golden files (timestamps are fixed in the inputs, so nothing needs stripping).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/diff.h"
#include "support/run_process.h"

using namespace ah;

namespace {

TargetRecord target(std::string url, Verdict v, std::string entry, int line) {
    TargetRecord t;
    t.url = std::move(url);
    t.kind = "web";
    t.result.verdict = v;
    t.result.url = t.url;
    t.occurrences.push_back(Occurrence{line, 5, "paper", std::move(entry), "Vision Models"});
    return t;
}

TargetRecord failing(std::string url, int consecutive, bool confirmed, std::string entry, int line) {
    TargetRecord t = target(std::move(url), Verdict::dead, std::move(entry), line);
    t.result.http_status = 404;
    t.result.error = "HTTP 404";
    t.consecutive_failures = consecutive;
    t.confirmed = confirmed;
    t.first_failed_at = "2026-11-20T02:00:00Z";
    return t;
}

EntryRecord entry(std::string abbreviation, std::string title, std::vector<std::string> urls) {
    return EntryRecord{"Vision Models", std::move(abbreviation), std::move(title), "", 0, 10, std::move(urls)};
}

// Two consecutive nights of a small list with one of every change.
std::pair<Snapshot, Snapshot> two_nights() {
    Snapshot old_s, now;
    old_s.generated_at = "2026-11-26T02:00:00Z";
    now.generated_at = "2026-11-27T02:00:00Z";
    old_s.list_source = now.list_source = "README.md";

    old_s.targets.push_back(target("https://a.example.org/ok", Verdict::ok, "Alpha", 10));
    now.targets.push_back(failing("https://a.example.org/ok", 2, true, "Alpha", 10));       // newly dead

    old_s.targets.push_back(failing("https://b.example.org/gone", 3, true, "Beta", 11));
    now.targets.push_back(failing("https://b.example.org/gone", 4, true, "Beta", 11));      // still dead
    now.targets.back().archive_url = "https://web.archive.org/web/2024/https://b.example.org/gone";

    old_s.targets.push_back(failing("https://c.example.org/back", 2, true, "Gamma", 12));
    now.targets.push_back(target("https://c.example.org/back", Verdict::ok, "Gamma", 12));  // recovered

    old_s.targets.push_back(target("https://d.example.org/flaky", Verdict::ok, "Delta", 13));
    now.targets.push_back(failing("https://d.example.org/flaky", 1, false, "Delta", 13));   // failing 1 of 2

    TargetRecord moved = target("http://e.example.org/old", Verdict::moved, "Epsilon", 14);
    moved.result.final_url = "https://e.example.org/new";
    moved.result.redirects.push_back({"http://e.example.org/old", 301});
    old_s.targets.push_back(target("http://e.example.org/old", Verdict::ok, "Epsilon", 14));
    now.targets.push_back(moved);                                                            // newly moved

    TargetRecord wall = target("https://f.example.org/", Verdict::blocked, "Zeta", 15);
    wall.result.http_status = 403;
    wall.result.error = "HTTP 403: the site refuses automated checks";
    old_s.targets.push_back(target("https://f.example.org/", Verdict::ok, "Zeta", 15));
    now.targets.push_back(wall);                                                             // newly blocked

    TargetRecord repo_before = target("https://github.com/o/r", Verdict::ok, "Eta", 16);
    repo_before.repo = RepoMeta{};
    repo_before.repo->stars = 1000;
    TargetRecord repo_now = repo_before;
    repo_now.repo->stars = 1400;                                                             // stars +40 %
    old_s.targets.push_back(repo_before);
    now.targets.push_back(repo_now);
    now.findings.push_back(FindingRecord{"archived_repo", "warning", "repository o/r is archived", 16,
                                         "https://github.com/o/r", "Eta", ""});

    old_s.entries = {entry("Alpha", "Alpha paper", {}), entry("Removed", "A removed paper", {"https://x.example.org/"})};
    now.entries = {entry("Alpha", "Alpha paper", {}), entry("New", "A brand new paper", {"https://n.example.org/"})};
    return {old_s, now};
}

void check_golden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(AH_FIXTURES_DIR) + "/golden/" + name;
    if (const char* update = std::getenv("AH_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
        std::ofstream(path, std::ios::binary) << actual;
    }
    const std::string expected = ah::testing::read_file(path);
    INFO("golden file " << path << " (regenerate with AH_UPDATE_GOLDEN=1)");
    CHECK(actual == expected);
}

}  // namespace

TEST_CASE("diff: one of every category", "[diff]") {
    const auto [old_s, now] = two_nights();
    const Diff d = diff_snapshots(&old_s, now, DiffPolicy{2, 20, 50});
    CHECK_FALSE(d.first_run);
    CHECK(d.count(ChangeKind::newly_dead) == 1);
    CHECK(d.count(ChangeKind::still_dead) == 1);
    CHECK(d.count(ChangeKind::recovered) == 1);
    CHECK(d.count(ChangeKind::failing) == 1);
    CHECK(d.count(ChangeKind::newly_moved) == 1);
    CHECK(d.count(ChangeKind::newly_blocked) == 1);
    CHECK(d.count(ChangeKind::metadata) == 2);  // archived + stars
    CHECK(d.count(ChangeKind::entry_added) == 1);
    CHECK(d.count(ChangeKind::entry_removed) == 1);
    CHECK(d.fails("dead"));
    CHECK_FALSE(d.fails("none"));
    // The next night, nothing new: the archived repository is "still stale", not news.
    const Diff again = diff_snapshots(&now, now, DiffPolicy{2, 20, 50});
    CHECK(again.count(ChangeKind::still_stale) == 1);
    CHECK(again.count(ChangeKind::metadata) == 0);
    CHECK_FALSE(again.fails("stale"));
    for (const auto& c : d.changes) {
        if (c.kind == ChangeKind::newly_moved) CHECK(c.fix == "use https://e.example.org/new");
        if (c.kind == ChangeKind::still_dead) {
            CHECK(c.since == "2026-11-20T02:00:00Z");
            CHECK(c.fix.find("web.archive.org") != std::string::npos);
        }
        if (c.kind == ChangeKind::failing) CHECK(c.what == "HTTP 404 (failing 1 of 2)");
    }
}

TEST_CASE("diff: a previous snapshot of another list is compared by URL, with a note", "[diff]") {
    auto [old_s, now] = two_nights();
    old_s.list_source = "https://example.org/other-list/README.md";
    const Diff d = diff_snapshots(&old_s, now, DiffPolicy{2, 20, 50});
    CHECK(d.different_list);
    CHECK(d.count(ChangeKind::still_dead) == 1);  // matched by URL all the same
    CHECK(diff_to_markdown(d).find("the previous report was of another list") != std::string::npos);
}

TEST_CASE("diff: the first run reports the current state without add/remove noise", "[diff]") {
    const auto [old_s, now] = two_nights();
    const Diff d = diff_snapshots(nullptr, now, DiffPolicy{});
    CHECK(d.first_run);
    CHECK(d.count(ChangeKind::entry_added) == 0);
    CHECK(d.count(ChangeKind::recovered) == 0);
    CHECK(d.count(ChangeKind::newly_dead) == 2);  // confirmed failures are news the first time
    CHECK(d.count(ChangeKind::metadata) == 1);    // the archived finding; no stars delta without a baseline
    CHECK(diff_to_markdown(d).find("first run: baseline recorded") != std::string::npos);
}

TEST_CASE("diff: small star changes and unchanged states are quiet", "[diff]") {
    auto [old_s, now] = two_nights();
    now.targets[6].repo->stars = 1010;
    now.findings.clear();
    const Diff d = diff_snapshots(&old_s, now, DiffPolicy{2, 20, 50});
    CHECK(d.count(ChangeKind::metadata) == 0);
    const Diff same = diff_snapshots(&now, now, DiffPolicy{2, 20, 50});
    CHECK(same.count(ChangeKind::newly_moved) == 0);
    // What is still wrong stays in the report (and keeps the tracking issue open), as "still".
    CHECK(same.count(ChangeKind::still_moved) == 1);
    CHECK(same.count(ChangeKind::metadata) == 0);
    CHECK_FALSE(same.fails("any"));
    CHECK(same.count(ChangeKind::newly_blocked) == 0);
    CHECK(same.count(ChangeKind::newly_dead) == 0);
    CHECK(same.count(ChangeKind::still_dead) == 2);
}

TEST_CASE("Markdown neutralises untrusted text", "[diff]") {
    CHECK(markdown_cell("a | b") == "a \\| b");
    CHECK(markdown_cell("thanks @octocat") == "thanks @&#8203;octocat");
    CHECK(markdown_cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(markdown_cell("[click](http://evil)") == "\\[click\\](http://evil)");
    CHECK(markdown_cell("line\nbreak") == "line break");
    CHECK(markdown_url("https://x.org/a (b)|c") == "https://x.org/a%20%28b%29%7Cc");
    // The link goes to the page without the credentials; its text shows them masked.
    CHECK(markdown_url("https://user:pw@x.org/a@b") == "https://x.org/a%40b");
    // Found by the markdown_escape fuzz target: a line break in a URL ended the table row.
    CHECK(markdown_url("https://x.org/a\r\n| injected |\tb\x7f") == "https://x.org/a%0D%0A%7C%20injected%20%7C%09b%7F");

    auto [old_s, now] = two_nights();
    now.targets[0].occurrences[0].entry = "Evil | <img src=x onerror=alert(1)> @admin";
    // Found by the diff_reader fuzz target: the date (read back from diff.json by the issue
    // command) was written raw into the summary line.
    now.generated_at = "<b>@x\n|Q|";
    const std::string md = diff_to_markdown(diff_snapshots(&old_s, now, DiffPolicy{}));
    CHECK(md.find("<img") == std::string::npos);
    CHECK(md.find("@admin") == std::string::npos);
    CHECK(md.find("<b>") == std::string::npos);
    CHECK(md.find("@x") == std::string::npos);
    CHECK(md.find("\n|Q|") == std::string::npos);
    // Every table row keeps its 6 columns (7 unescaped pipes).
    std::size_t start = 0;
    while ((start = md.find("\n| ", start)) != std::string::npos) {
        const std::size_t end = md.find('\n', start + 1);
        const std::string line = md.substr(start + 1, end - start - 1);
        std::size_t pipes = 0;
        for (std::size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
        CHECK(pipes == 7);
        start = end;
    }
}

TEST_CASE("Markdown never exceeds GitHub's body limit", "[diff]") {
    Snapshot old_s, now;
    old_s.generated_at = "2026-11-26T02:00:00Z";
    now.generated_at = "2026-11-27T02:00:00Z";
    for (int i = 0; i < 4000; ++i) {
        const std::string url = fmt::format("https://host{}.example.org/some/rather/long/path/to/a/paper/{}", i % 50, i);
        old_s.targets.push_back(target(url, Verdict::ok, fmt::format("Entry {}", i), i + 1));
        now.targets.push_back(failing(url, 2, true, fmt::format("Entry {}", i), i + 1));
    }
    for (int i = 0; i < 300; ++i) {
        const std::string url = fmt::format("https://m{}.example.org/", i);
        old_s.targets.push_back(target(url, Verdict::ok, "M", 5000 + i));
        TargetRecord m = target(url, Verdict::moved, "M", 5000 + i);
        m.result.final_url = url + "new";
        now.targets.push_back(m);
    }
    const Diff d = diff_snapshots(&old_s, now, DiffPolicy{});
    const std::string md = diff_to_markdown(d);
    CHECK(md.size() <= github_body_limit);
    CHECK(md.find("more — see the HTML report") != std::string::npos);
    CHECK(md.find("<details><summary>Newly dead (4000)</summary>") != std::string::npos);
    CHECK(md.find("Moved (300)") != std::string::npos);  // the shorter section still shows
    CHECK(diff_to_markdown(d, 2000).size() <= 2000);
}

TEST_CASE("golden files: diff.md and diff.json", "[diff][golden]") {
    const auto [old_s, now] = two_nights();
    const Diff d = diff_snapshots(&old_s, now, DiffPolicy{2, 20, 50});
    check_golden("diff.md", diff_to_markdown(d));
    check_golden("diff.json", diff_to_json(d));
    simdjson::dom::parser parser;
    CHECK(parser.parse(diff_to_json(d)).error() == simdjson::SUCCESS);
}

TEST_CASE("snapshot JSON round-trips", "[snapshot]") {
    auto [old_s, now] = two_nights();
    now.targets[6].paper = PaperMeta{};
    now.targets[6].paper->title = "A \"quoted\" title with ünïcode";
    now.targets[6].paper->authors = {"A. Author", "B. Author"};
    now.targets[6].history.push_back(HistoryPoint{"2026-11-27T02:00:00Z", Verdict::ok, 200, ""});
    now.runs.push_back(RunPoint{"2026-11-27T02:00:00Z", 5, 1, 2, 0, 1, 0});
    const std::string json = snapshot_to_json(now);
    auto parsed = parse_snapshot(json, "mem");
    REQUIRE(parsed.ok());
    CHECK(snapshot_to_json(*parsed) == json);
    CHECK(parsed->targets[6].paper->title == "A \"quoted\" title with ünïcode");
    CHECK(parsed->targets[6].repo->stars == 1400);
    CHECK(parsed->targets[4].result.redirects.at(0).status == 301);
}
