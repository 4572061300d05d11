// History across nightly runs: a link dies, fails again, recovers; a corrupt or newer
// previous snapshot stops the run without touching it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "support/fake_apis.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using ah::testing::FixtureServer;
using ah::testing::read_file;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

Reply status(int code) {
    Reply r;
    r.status = code;
    return r;
}

struct Night {
    int exit_code;
    std::string out;
    std::string diff_json;
};

Night run_night(const TempDir& dir, const std::string& config) {
    const auto r = run_process({tool_path(), "check", "--config", config});
    INFO(r.err);
    return {r.exit_code, r.out, read_file(dir.file("reports/diff.json"))};
}

// A configuration for nightly runs of dir/list.md against the server: one quick retry,
// confirm_after = 2.
std::string nightly_config(const TempDir& dir, const FixtureServer& server) {
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    return dir.write(
        "config.toml", fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\nretry_base_ms = 5\n"
                                   "max_retries = 1\n[network]\nconnect_to = [{}]\n[history]\nconfirm_after = 2\n",
                                   connect));
}

std::int64_t count_of(const std::string& diff_json, std::string_view kind) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(diff_json).get(doc) == simdjson::SUCCESS);
    return std::int64_t(doc["counts"][kind]);
}

}  // namespace

TEST_CASE("three nights: a link dies, fails again, recovers", "[history][cli]") {
    FixtureServer server;
    server.on("alpha.test", "/stable", status(200));
    server.on("alpha.test", "/flaky", status(200));
    TempDir dir;
    dir.write("list.md", "|Name|Code|\n|---|---|\n|A|[c](http://alpha.test/stable)|\n|B|[c](http://alpha.test/flaky)|\n");
    const auto config = nightly_config(dir, server);

    // Night 0: all fine; the first run records the baseline.
    Night n0 = run_night(dir, config);
    CHECK(n0.exit_code == 0);
    CHECK(n0.out.find("First run") != std::string::npos);

    // Night 1: /flaky dies. One failure is not yet a dead link.
    server.on("alpha.test", "/flaky", status(404));
    Night n1 = run_night(dir, config);
    CHECK(n1.exit_code == 0);
    CHECK(count_of(n1.diff_json, "failing") == 1);
    CHECK(count_of(n1.diff_json, "newly_dead") == 0);
    CHECK(n1.out.find("failing 1 of 2") != std::string::npos);

    // Night 2: still 404: confirmed, reported as newly dead, exit 1.
    Night n2 = run_night(dir, config);
    CHECK(n2.exit_code == 1);
    CHECK(count_of(n2.diff_json, "newly_dead") == 1);
    CHECK(n2.out.find("Newly dead (1)") != std::string::npos);

    // Night 3: still dead: reported as such, but nothing new, exit 0.
    Night n3 = run_night(dir, config);
    CHECK(n3.exit_code == 0);
    CHECK(count_of(n3.diff_json, "still_dead") == 1);
    CHECK(count_of(n3.diff_json, "newly_dead") == 0);

    // Night 4: back: recovered.
    server.on("alpha.test", "/flaky", status(200));
    Night n4 = run_night(dir, config);
    CHECK(n4.exit_code == 0);
    CHECK(count_of(n4.diff_json, "recovered") == 1);
    CHECK(count_of(n4.diff_json, "still_dead") == 0);

    // Every night was checked for real: failures are never cached.
    CHECK(server.hits("alpha.test", "/flaky", "HEAD") == 5);
    const std::string health = read_file(dir.file("reports/health.json"));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(health).get(doc) == simdjson::SUCCESS);
    CHECK(doc["runs"].get_array().size() == 5);
    for (simdjson::dom::element t : doc["targets"].get_array())
        if (std::string_view(t["url"]) == "http://alpha.test/flaky") CHECK(t["history"].get_array().size() == 5);
}

TEST_CASE("fault: 5xx flapping across nights is never dead before confirm_after failures in a row",
          "[fault][history][cli]") {
    FixtureServer server;
    server.on("alpha.test", "/stable", status(200));
    TempDir dir;
    dir.write("list.md", "|Name|Code|\n|---|---|\n|A|[c](http://alpha.test/stable)|\n|B|[c](http://alpha.test/flapping)|\n");
    const auto config = nightly_config(dir, server);
    struct Expected {
        int status;  // what /flapping answers all night, retries included
        int exit_code;
        std::int64_t failing, newly_dead, recovered;
    };
    const std::vector<Expected> nights = {
        {200, 0, 0, 0, 0},  // the baseline
        {500, 0, 1, 0, 0},  // one failure: "failing 1 of 2", not dead
        {200, 0, 0, 0, 0},  // back: the count starts over (nothing to recover from)
        {502, 0, 1, 0, 0},  // failing 1 of 2 again, not 2 of 2
        {503, 1, 0, 1, 0},  // the second failure in a row: now it is reported dead
        {200, 0, 0, 0, 1},  // and its recovery clears it
    };
    for (std::size_t n = 0; n < nights.size(); ++n) {
        const Expected& e = nights[n];
        INFO("night " << n << ": HTTP " << e.status);
        server.on("alpha.test", "/flapping", status(e.status));
        const Night night = run_night(dir, config);
        CHECK(night.exit_code == e.exit_code);
        CHECK(count_of(night.diff_json, "failing") == e.failing);
        CHECK(count_of(night.diff_json, "newly_dead") == e.newly_dead);
        CHECK(count_of(night.diff_json, "recovered") == e.recovered);
        if (e.failing == 1) CHECK(night.out.find("failing 1 of 2") != std::string::npos);
    }
    // Every night was a real check of both links; a 5xx night costs at most HEAD, GET and
    // max_retries (1) more.
    CHECK(server.hits("alpha.test", "/stable") == nights.size());
    CHECK(server.hits("alpha.test", "/flapping") >= nights.size());
    CHECK(server.hits("alpha.test", "/flapping") <= nights.size() * 3);
}

TEST_CASE("404 can be configured to confirm at once", "[history][cli]") {
    FixtureServer server;
    server.on("alpha.test", "/gone", status(404));
    TempDir dir;
    dir.write("list.md", "[x](http://alpha.test/gone)\n");
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    const auto config = dir.write("config.toml",
                                  fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\n[network]\n"
                                              "connect_to = [{}]\n[history]\nconfirm_at_once = [\"404\"]\n",
                                              connect));
    const auto r = run_process({tool_path(), "check", "--config", config});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("Newly dead (1)") != std::string::npos);
}

TEST_CASE("a previous snapshot that cannot be read is never overwritten", "[history][cli]") {
    TempDir dir;
    dir.write("list.md", "[x](#nowhere)\n");
    const auto config = dir.write("config.toml", "[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\n");
    struct Case {
        std::string content;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"{\"schema_version\": 1, \"targets\": [", "corrupt or truncated"},
        {"", "corrupt or truncated"},
        {"{\"schema_version\": 99}", "newer awesome-health (schema_version 99"},
        {"[1, 2]", "not a JSON object"},
        {"{\"schema_version\": 1, \"targets\": [{\"url\": \"x\", \"verdict\": \"exploded\"}]}", "unknown verdict"},
        {"{\"schema_version\": 1, \"targets\": {}}", "expected an array"},
    };
    for (const auto& c : cases) {
        INFO(c.content);
        const auto health = dir.write("reports/health.json", c.content);
        const auto r = run_process({tool_path(), "check", "--config", config});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("health.json") != std::string::npos);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(read_file(health) == c.content);
        CHECK(r.out.empty());
    }
}

TEST_CASE("two nights where a link dies and metadata changes: the reports list exactly that", "[history][cli][metadata]") {
    const std::string token = "ghp_two_nights_token";
    TempDir dir;
    dir.write("list.md",
              "|Abbreviation|Title|Publication|Paper|Code & Weights|\n|---|---|---|---|---|\n"
              "|**A**|**Alpha**|CVPR2023|[p](http://alpha.test/a)|[c](https://github.com/o/alpha)|\n"
              "|**B**|**Beta**|CVPR2023|[p](http://alpha.test/b)|[c](https://github.com/o/beta)|\n");
    const auto night = [&](bool second) {
        FixtureServer server;
        server.on("alpha.test", "/a", status(200));
        server.on("alpha.test", "/b", status(second ? 404 : 200));
        server.on("archive.org", "*", status(404));
        ah::testing::FakeGithub github;
        github.expected_token = token;
        if (second) github.repos["o/alpha"].archived = true;
        github.install(server);
        std::string connect;
        for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
        const auto config = dir.write(
            "config.toml", fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\n[network]\n"
                                       "connect_to = [{}]\nca_bundle = \"{}\"\n[history]\nconfirm_at_once = [\"404\"]\n",
                                       connect, server.ca_file()));
        return run_process({tool_path(), "check", "--config", config}, {{}, {"GITHUB_TOKEN=" + token}});
    };
    const auto first = night(false);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    const auto second = night(true);
    INFO(second.err);
    CHECK(second.exit_code == 1);

    simdjson::dom::parser parser;
    simdjson::dom::element diff;
    REQUIRE(parser.parse(read_file(dir.file("reports/diff.json"))).get(diff) == simdjson::SUCCESS);
    std::vector<std::string> changes;
    for (simdjson::dom::element c : diff["changes"].get_array()) {
        std::string_view kind = c["kind"], url = c["url"], detail;
        if (c["detail"].get(detail) != simdjson::SUCCESS) detail = "";
        changes.push_back(fmt::format("{} {} {}", kind, detail, url));
    }
    // Exactly the two things that changed, nothing else.
    CHECK(changes == std::vector<std::string>{"newly_dead  http://alpha.test/b",
                                              "metadata archived_repo https://github.com/o/alpha"});
    const std::string md = read_file(dir.file("reports/diff.md"));
    CHECK(md.find("### Newly dead (1)") != std::string::npos);
    CHECK(md.find("repository o/alpha is archived") != std::string::npos);
    const std::string html = read_file(dir.file("reports/index.html"));
    CHECK(html.find("http://alpha.test/b") != std::string::npos);
    CHECK(html.find("archived") != std::string::npos);
}
