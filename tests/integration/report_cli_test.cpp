// `diff` and `render` from saved snapshots: formats, output files and bad inputs.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include "ah/snapshot.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::read_file;
using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

Snapshot night(const std::string& at, Verdict v, int consecutive) {
    Snapshot s;
    s.generated_at = at;
    s.list_source = "README.md";
    TargetRecord t;
    t.url = "https://a.example.org/x";
    t.kind = "web";
    t.result.verdict = v;
    t.result.http_status = v == Verdict::ok ? 200 : 404;
    t.consecutive_failures = consecutive;
    t.confirmed = consecutive >= 2;
    t.occurrences.push_back(Occurrence{3, 4, "paper", "Alpha", "Models"});
    s.targets.push_back(t);
    s.entries.push_back(EntryRecord{"Models", "Alpha", "Alpha paper", "arXiv", 2024, 3, {t.url}});
    return s;
}

}  // namespace

TEST_CASE("diff OLD NEW in json and md; render a snapshot", "[cli][report]") {
    TempDir dir;
    const auto old_path = dir.write("old.json", snapshot_to_json(night("2026-11-26T02:00:00Z", Verdict::ok, 0)));
    const auto new_path = dir.write("new.json", snapshot_to_json(night("2026-11-27T02:00:00Z", Verdict::dead, 2)));
    auto r = run_process({tool_path(), "diff", old_path, new_path, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    CHECK(int64_t(doc["counts"]["newly_dead"]) == 1);
    r = run_process({tool_path(), "diff", old_path, new_path});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("### Newly dead (1)") != std::string::npos);
    r = run_process({tool_path(), "diff", old_path, new_path, "-o", dir.file("out/diff.md")});
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("out/diff.md")).find("Newly dead") != std::string::npos);
    r = run_process({tool_path(), "render", new_path, "--format", "json"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == read_file(new_path));
    r = run_process({tool_path(), "render", new_path, "--format", "md"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("first run") != std::string::npos);
    r = run_process({tool_path(), "render", new_path, "-o", dir.file("index.html")});
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("index.html")).find("<!DOCTYPE html>") == 0);
    r = run_process({tool_path(), "diff", old_path, new_path, "--format", "html"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Alpha paper") != std::string::npos);
}

TEST_CASE("diff and render refuse bad snapshots with exit 2", "[cli][report]") {
    TempDir dir;
    const auto good = dir.write("good.json", snapshot_to_json(night("2026-11-26T02:00:00Z", Verdict::ok, 0)));
    const auto bad = dir.write("bad.json", "{\"schema_version\": 1, \"targets\": [");
    auto r = run_process({tool_path(), "diff", good, bad});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.json: not a valid snapshot") != std::string::npos);
    r = run_process({tool_path(), "render", dir.file("missing.json")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("missing.json: no such file") != std::string::npos);
    r = run_process({tool_path(), "render", dir.path()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is a directory (expected a health.json)") != std::string::npos);
    r = run_process({tool_path(), "diff", good});
    CHECK(r.exit_code == 2);
}
