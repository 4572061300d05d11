// Data safety of `check` as the nightly job runs it: kill -9 at any moment, a full disk and a
// read-only reports directory never leave a torn, missing or half-new set of reports, and the
// run history in health.json is never lost.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/snapshot.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using namespace std::chrono_literals;
using ah::testing::FixtureServer;
using ah::testing::ProcessControl;
using ah::testing::read_file;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

const std::vector<std::string> report_files = {"health.json", "diff.json", "diff.md", "index.html"};

// 60 links over three hosts, each answering after 0–60 ms; one is dead. With 4 requests per
// host at a time the run takes a few hundred milliseconds, most of it waiting on the network.
std::string make_list_and_routes(FixtureServer& server) {
    std::string md = "|Name|Paper|Code|\n|---|---|---|\n";
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> delay(0, 60);
    for (int i = 0; i < 30; ++i) {
        const std::string host = fmt::format("h{}.test", i % 3);
        for (const char* kind : {"paper", "code"}) {
            Reply r;
            r.status = (i == 17 && kind[0] == 'c') ? 404 : 200;
            r.delay = std::chrono::milliseconds(delay(rng));
            server.on(host, fmt::format("/{}/{}", kind, i), r);
        }
        md += fmt::format("|Entry {0}|[p](http://h{1}.test/paper/{0})|[c](http://h{1}.test/code/{0})|\n", i, i % 3);
    }
    return md;
}

std::string config_for(const FixtureServer& server, const std::string& reports_dir = "reports") {
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    return fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\nper_host_in_flight = 4\n"
                       "min_interval_ms = 0\ntimeout_ms = 5000\nretry_base_ms = 5\n[network]\nconnect_to = [{}]\n"
                       "[wayback]\nenabled = false\n[reports]\ndir = \"{}\"\n",
                       connect, reports_dir);
}

std::map<std::string, std::string> read_reports(const TempDir& dir, const std::string& reports = "reports") {
    std::map<std::string, std::string> out;
    for (const auto& name : report_files) out[name] = read_file(dir.file(reports + "/" + name));
    return out;
}

// Every report is one complete version: health.json and diff.json parse, the page and the
// Markdown end where their writer ends them.
void check_complete(const TempDir& dir) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    for (const char* json : {"health.json", "diff.json"}) {
        INFO(json);
        CHECK(parser.parse(read_file(dir.file(std::string("reports/") + json))).get(doc) == simdjson::SUCCESS);
    }
    const std::string html = read_file(dir.file("reports/index.html"));
    CHECK(html.size() > 100);
    CHECK(html.rfind("</html>") != std::string::npos);
    CHECK(html.rfind("</html>") + 20 > html.size());
    CHECK(!read_file(dir.file("reports/diff.md")).empty());
}

// The list, its server and its configuration after one whole run, with the reports it wrote.
struct AfterFirstNight {
    FixtureServer server;
    TempDir dir;
    std::string config;
    std::map<std::string, std::string> before;
    AfterFirstNight() {
        dir.write("list.md", make_list_and_routes(server));
        config = dir.write("config.toml", config_for(server));
        REQUIRE(run_process({tool_path(), "check", "--config", config}).exit_code == 0);
        before = read_reports(dir);
    }
};

}  // namespace

TEST_CASE("kill -9 at random moments during check never loses or tears the reports", "[safety][cli]") {
    FixtureServer server;
    TempDir dir;
    dir.write("list.md", make_list_and_routes(server));
    const auto config = dir.write("config.toml", config_for(server));

    // The first night, run to the end: how long a whole run takes here.
    const auto start = std::chrono::steady_clock::now();
    auto first = run_process({tool_path(), "check", "--config", config});
    const auto whole = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    auto loaded = ah::load_snapshot(dir.file("reports/health.json"));
    REQUIRE(loaded.ok());
    REQUIRE(loaded->runs.size() == 1);
    std::size_t runs = 1;

    // Then kill -9 at moments spread over a whole run (the start-up, the checks, the reports
    // at the end, and just after it), each shifted by a random amount.
    std::mt19937 rng(20261127);
    std::uniform_real_distribution<double> jitter(-0.05, 0.05);
    int killed = 0, finished = 0;
    for (double at : {0.02, 0.15, 0.3, 0.5, 0.7, 0.85, 0.92, 0.96, 0.98, 1.0, 1.02, 1.1}) {
        ProcessControl options;
        options.signal_after = std::chrono::microseconds(static_cast<long>(whole.count() * std::max(0.0, at + jitter(rng))));
        const auto r = run_process({tool_path(), "check", "--config", config}, {}, options);
        INFO("kill at " << options.signal_after->count() << " us of " << whole.count() << "; exit " << r.exit_code
                        << ", signal " << r.signal << "; " << r.err);
        if (r.signal == SIGKILL) {
            ++killed;
        } else {
            CHECK((r.exit_code == 0 || r.exit_code == 1));
            ++finished;
        }
        // health.json is always there and loads; it is either the previous run's or this one's,
        // so the history it carries only ever grows.
        loaded = ah::load_snapshot(dir.file("reports/health.json"));
        REQUIRE(loaded.ok());
        const std::size_t now = loaded->runs.size();
        CHECK((now == runs || now == runs + 1));
        if (r.signal != SIGKILL) CHECK(now == runs + 1);
        runs = now;
        check_complete(dir);
    }
    // The kills really landed inside runs (a test that never kills proves nothing).
    CHECK(killed >= 6);
    // And a run after all that works as usual and still has the history.
    const auto last = run_process({tool_path(), "check", "--config", config});
    CHECK((last.exit_code == 0 || last.exit_code == 1));
    loaded = ah::load_snapshot(dir.file("reports/health.json"));
    REQUIRE(loaded.ok());
    CHECK(loaded->runs.size() == runs + 1);
    // Temporary files left by the killed writers are never taken for reports.
    for (const auto& e : std::filesystem::directory_iterator(dir.file("reports"))) {
        const std::string name = e.path().filename().string();
        INFO(name);
        CHECK((name[0] == '.' || std::find(report_files.begin(), report_files.end(), name) != report_files.end()));
    }
}

TEST_CASE("a full disk is a clear error and keeps every old report", "[safety][cli]") {
    AfterFirstNight night;
    const auto& [dir, config, before] = std::tie(night.dir, night.config, night.before);

    // Writes fail past the limit (EFBIG; a full disk fails the same writes with ENOSPC). The
    // limits fall at different points: in the first report written, and later ones.
    for (std::uint64_t limit : {std::uint64_t{0}, std::uint64_t{300}, std::uint64_t{4000}, std::uint64_t{20000}}) {
        ProcessControl options;
        options.file_size_limit = limit;
        const auto r = run_process({tool_path(), "check", "--config", config}, {}, options);
        INFO("limit " << limit << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.signal == 0);
        CHECK(r.err.find("File too large") != std::string::npos);
        CHECK(r.err.find("reports/") != std::string::npos);
        // All or nothing: not one report of the new run replaced an old one.
        CHECK(read_reports(dir) == before);
    }
    // Space again: the next run writes everything, with the history intact (the dead link is
    // confirmed now: exit 1).
    REQUIRE(run_process({tool_path(), "check", "--config", config}).exit_code == 1);
    const auto loaded = ah::load_snapshot(dir.file("reports/health.json"));
    REQUIRE(loaded.ok());
    CHECK(loaded->runs.size() == 2);
}

TEST_CASE("a read-only reports directory is a clear error and keeps every old report", "[safety][cli]") {
    AfterFirstNight night;
    const auto& [dir, config, before] = std::tie(night.dir, night.config, night.before);

    ProcessControl options;
    std::string tool = tool_path();
    if (::geteuid() == 0) {
        // Root ignores permissions: run the tool as nobody, for whom the directory (root's,
        // 0755) is read-only while the list, the configuration and the reports stay readable.
        // A copy of the binary inside it: the build tree may sit where nobody cannot reach.
        ::chmod(dir.path().c_str(), 0755);
        tool = dir.file("awesome-health");
        std::filesystem::copy_file(tool_path(), tool);
        options.run_as_uid = 65534;
    } else {
        ::chmod(dir.file("reports").c_str(), 0555);
    }
    const auto r = run_process({tool, "check", "--config", config}, {}, options);
    ::chmod(dir.file("reports").c_str(), 0755);
    INFO(r.err);
    REQUIRE(r.exit_code != 126);  // the child could not drop to nobody
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("reports/") != std::string::npos);
    CHECK(r.err.find("Permission denied") != std::string::npos);
    CHECK(read_reports(dir) == before);
}
