// `awesome-health check` as CI runs it: the real list against the fixture server, the
// report it writes, its exit statuses, and the outage guard leaving old reports alone.
#include <catch2/catch.hpp>

#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/extract.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::FixtureServer;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;

namespace {

const std::string list_path = AH_FIXTURES_DIR "/awesome-rsfm-README.md";

std::string config_for(const FixtureServer& server, const std::string& extra = "") {
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    return fmt::format(
        "[list]\nsource = \"{}\"\n\n[check]\ntimeout_ms = 2000\nretry_base_ms = 10\nretry_max_ms = 50\n"
        "min_interval_ms = 2\nprogress = \"never\"\n\n[network]\nconnect_to = [{}]\nca_bundle = \"{}\"\n{}",
        list_path, connect, server.ca_file(), extra);
}

Reply status(int code) {
    Reply r;
    r.status = code;
    return r;
}

std::set<std::string> hosts_of_real_list() {
    auto text = read_list_file(list_path, 1 << 20);
    REQUIRE(text.ok());
    const Catalog c = extract_catalog(*text, list_path);
    std::set<std::string> hosts;
    for (const auto& t : c.targets)
        if (t.kind != LinkKind::relative && t.kind != LinkKind::other_scheme) hosts.insert(classify_url(t.url).host);
    return hosts;
}

}  // namespace

TEST_CASE("check on the real list against the fixture server", "[check][cli]") {
    FixtureServer server;
    for (const auto& host : hosts_of_real_list()) server.on(host, "*", status(200));
    // Scripted failures on real rows of the list:
    server.on("github.com", "/isaaccorley/hydro-foundation-model", status(404));             // Hydro: dead
    server.on("ieeexplore.ieee.org", "/abstract/document/9559903", status(418));             // GeoKR: bot wall
    Reply moved;
    moved.status = 301;
    moved.headers = {{"Location", "https://github.com/ServiceNow/seasonal-contrast-v2"}};
    server.on("github.com", "/ServiceNow/seasonal-contrast", moved);                         // SeCo: moved
    TempDir dir;
    const auto config = dir.write("config.toml", config_for(server, "\n[reports]\ndir = \"out\"\n"));
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config});
    INFO(r.err);
    // First run: the 404 is "failing (1 of 2)" (confirm_after = 2), so nothing is newly dead yet.
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("First run") != std::string::npos);
    CHECK(r.out.find("Failing, not yet confirmed (1)") != std::string::npos);
    CHECK(r.out.find("https://github.com/isaaccorley/hydro-foundation-model") != std::string::npos);
    CHECK(r.out.find("230 targets") != std::string::npos);

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const std::string json = ah::testing::read_file(dir.file("out/health.json"));
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    CHECK(int64_t(doc["schema_version"]) == 1);
    CHECK(uint64_t(doc["summary"]["dead"]) == 1);
    CHECK(uint64_t(doc["summary"]["moved"]) == 1);
    CHECK(uint64_t(doc["summary"]["blocked"]) == 1);
    CHECK(uint64_t(doc["summary"]["ok"]) == 227);
    CHECK(std::string_view(doc["list"]["sha256"]).size() == 64);
    CHECK(doc["entries"].get_array().size() == 152);
    std::size_t checked = 0;
    for (simdjson::dom::element t : doc["targets"].get_array()) {
        ++checked;
        std::string_view url = t["url"];
        std::string_view verdict = t["verdict"];
        CHECK(t["occurrences"].get_array().size() >= 1);
        CHECK(t["history"].get_array().size() == 1);
        if (url == "https://github.com/ServiceNow/seasonal-contrast") {
            CHECK(verdict == "moved");
            CHECK(std::string_view(t["final_url"]) == "https://github.com/ServiceNow/seasonal-contrast-v2");
            CHECK(int64_t(t["redirects"].at(0)["status"]) == 301);
        }
        if (url == "https://ieeexplore.ieee.org/abstract/document/9559903") CHECK(verdict == "blocked");
        if (url == "https://github.com/isaaccorley/hydro-foundation-model") {
            CHECK(int64_t(t["consecutive_failures"]) == 1);
            CHECK_FALSE(bool(t["confirmed"]));
        }
    }
    CHECK(checked == 230);
    const std::string md = ah::testing::read_file(dir.file("out/diff.md"));
    CHECK(md.find("hydro-foundation-model") != std::string::npos);
    CHECK(parser.parse(ah::testing::read_file(dir.file("out/diff.json"))).error() == simdjson::SUCCESS);

    // Second night: still 404, now confirmed: newly dead, exit 1.
    const auto second = run_process({ah::testing::tool_path(), "check", "--config", config});
    CHECK(second.exit_code == 1);
    CHECK(second.out.find("Newly dead (1)") != std::string::npos);
    // Politeness held for every host of the list.
    for (const auto& host : hosts_of_real_list()) CHECK(server.peak_concurrency(host) <= 8);
}

TEST_CASE("check: exit 0 when healthy, fail_on none, and a URL list source", "[check][cli]") {
    FixtureServer server;
    server.on("lists.test", "/README.md", [](const ah::testing::RecordedRequest&) {
        Reply r;
        r.body = "|Name|Code|\n|---|---|\n|x|[c](https://alpha.test/ok)|\n|y|[d](https://alpha.test/gone)|\n";
        return r;
    });
    server.on("alpha.test", "/ok", status(200));
    server.on("alpha.test", "/gone", status(404));
    TempDir dir;
    const auto config = dir.write("config.toml", config_for(server, "\n[reports]\ndir = \"r\"\nfail_on = \"none\"\n"));
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, "http://lists.test/README.md"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("2 targets") != std::string::npos);
    CHECK(ah::testing::read_file(dir.file("r/health.json")).find("\"source\": \"http://lists.test/README.md\"") !=
          std::string::npos);
    const auto missing = run_process({ah::testing::tool_path(), "check", "--config", config, "http://lists.test/none.md"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("HTTP 404") != std::string::npos);
}

TEST_CASE("check: a network outage exits 3 and leaves the old report untouched", "[check][cli]") {
    TempDir dir;
    const std::string md = "|A|Paper|\n|---|---|\n|a|[p](http://alpha.test/)|\n|b|[p](http://beta.test/)|\n"
                           "|c|[p](http://gamma.test/)|\n|d|[p](http://delta.test/)|\n";
    const auto list = dir.write("list.md", md);
    // Every host points at a port nothing listens on: what a runner without network sees.
    const auto config = dir.write("config.toml",
                                  "[check]\nmax_retries = 0\nprogress = \"never\"\n[network]\nconnect_to = [\":80:127.0.0.1:9\"]\n"
                                  "[reports]\ndir = \"reports\"\n");
    const std::string old_report = "{\"schema_version\": 1, \"old\": true}\n";
    dir.write("reports/health.json", old_report);
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, list});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("network unavailable") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(ah::testing::read_file(dir.file("reports/health.json")) == old_report);
}

TEST_CASE("check: bad configuration and unwritable reports are clear errors", "[check][cli]") {
    TempDir dir;
    const auto list = dir.write("list.md", "[x](#nowhere)\n");
    const auto bad_regex = dir.write("bad.toml", "[filter]\nexclude = [\"(unclosed\"]\n");
    auto r = run_process({ah::testing::tool_path(), "check", "--config", bad_regex, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml:2:11: filter.exclude: element 0: invalid regular expression") != std::string::npos);
    const auto bad_remap = dir.write("remap.toml", "[[remap]]\npattern = \"[\"\nreplacement = \"x\"\n");
    r = run_process({ah::testing::tool_path(), "check", "--config", bad_remap, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("remap.toml:2:11: remap[0].pattern: invalid regular expression") != std::string::npos);
    // reports.dir is a file: the report cannot be written.
    dir.write("blocker", "");
    const auto blocked = dir.write("blocked.toml", "[check]\nprogress = \"never\"\n[reports]\ndir = \"blocker\"\n");
    r = run_process({ah::testing::tool_path(), "check", "--config", blocked, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("blocker") != std::string::npos);
}
