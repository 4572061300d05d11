// reports/health.schema.json stays true: it parses, and every key the snapshot writer emits
// (top level, targets, metadata) is described in it.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include "ah/snapshot.h"
#include "support/run_process.h"

using namespace ah;

namespace {

void require_described(simdjson::dom::element data, simdjson::dom::element schema_properties, const std::string& where) {
    simdjson::dom::object object;
    REQUIRE(data.get(object) == simdjson::SUCCESS);
    for (auto field : object) {
        INFO(where << "." << field.key);
        simdjson::dom::element described;
        CHECK(schema_properties[field.key].get(described) == simdjson::SUCCESS);
    }
}

}  // namespace

TEST_CASE("health.schema.json describes every key of a snapshot", "[snapshot][schema]") {
    Snapshot s;
    s.generated_at = "2026-11-27T02:00:00Z";
    TargetRecord t;
    t.url = "https://github.com/o/r";
    t.checked_url = "https://mirror/o/r";
    t.remapped_by = "x";
    t.archive_url = "https://web.archive.org/x";
    t.result.redirects.push_back({"https://a", 301});
    t.occurrences.push_back({1, 2, "code", "E", "S"});
    t.history.push_back({"2026-11-27T02:00:00Z", Verdict::ok, 200, ""});
    t.repo = RepoMeta{};
    t.paper = PaperMeta{};
    t.hub = HubMeta{};
    s.targets.push_back(t);
    s.entries.push_back(EntryRecord{"S", "E", "T", "V", 2024, 1, {t.url}});
    s.findings.push_back(FindingRecord{"k", "info", "m", 1, "u", "e", "ev"});
    s.hosts.push_back(HostSummary{});
    s.runs.push_back(RunPoint{});
    const std::string json = snapshot_to_json(s);

    simdjson::dom::parser data_parser, schema_parser;
    simdjson::dom::element data, schema;
    REQUIRE(data_parser.parse(json).get(data) == simdjson::SUCCESS);
    const std::string schema_text = ah::testing::read_file(std::string(AH_SOURCE_DIR) + "/reports/health.schema.json");
    REQUIRE(schema_parser.parse(schema_text).get(schema) == simdjson::SUCCESS);
    auto props = schema["properties"];
    require_described(data, props.value(), "snapshot");
    require_described(data["list"].value(), props["list"]["properties"].value(), "list");
    require_described(data["summary"].value(), props["summary"]["properties"].value(), "summary");
    auto target_props = props["targets"]["items"]["properties"];
    require_described(data["targets"].at(0).value(), target_props.value(), "targets[]");
    auto meta_props = target_props["metadata"]["properties"];
    require_described(data["targets"].at(0)["metadata"].value(), meta_props.value(), "metadata");
    for (const char* m : {"github", "arxiv", "huggingface"})
        require_described(data["targets"].at(0)["metadata"][m].value(), meta_props[m]["properties"].value(), m);
    require_described(data["entries"].at(0).value(), props["entries"]["items"]["properties"].value(), "entries[]");
    require_described(data["findings"].at(0).value(), props["findings"]["items"]["properties"].value(), "findings[]");
    require_described(data["hosts"].at(0).value(), props["hosts"]["items"]["properties"].value(), "hosts[]");
    require_described(data["runs"].at(0).value(), props["runs"]["items"]["properties"].value(), "runs[]");
}
