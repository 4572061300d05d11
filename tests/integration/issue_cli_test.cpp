// `awesome-health issue` and `check --sync-issue` as the nightly workflow runs them: settings
// from the environment, clear errors when they are missing, a dry run that changes nothing.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "ah/snapshot.h"
#include "support/fake_github_issues.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using ah::testing::FakeGitHubIssues;
using ah::testing::FixtureServer;
using ah::testing::read_file;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

const std::string token = "ghs_issue_token_abcdefghijklmnop";

std::string config_text(const FixtureServer& server, const std::string& list) {
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    return fmt::format("[list]\nsource = \"{}\"\n[check]\nprogress = \"never\"\nretry_base_ms = 5\n[network]\n"
                       "connect_to = [{}]\nca_bundle = \"{}\"\n[history]\nconfirm_at_once = [\"404\"]\n"
                       "[wayback]\nenabled = false\n",
                       list, connect, server.ca_file());
}

}  // namespace

TEST_CASE("issue: missing settings are named, nothing is sent", "[issue][cli]") {
    TempDir dir;
    const auto config = dir.write("config.toml", "[reports]\ndir = \"reports\"\n");
    dir.write("reports/diff.json", "{}");
    auto r = run_process({tool_path(), "issue", "--config", config}, {{}, {"GITHUB_REPOSITORY=", "GITHUB_TOKEN=x"}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("GITHUB_REPOSITORY") != std::string::npos);
    r = run_process({tool_path(), "issue", "--config", config}, {{}, {"GITHUB_REPOSITORY=o/r", "GITHUB_TOKEN="}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("GITHUB_TOKEN is not set") != std::string::npos);
    r = run_process({tool_path(), "issue", "--config", config, "--report", dir.file("none.json")},
                    {{}, {"GITHUB_REPOSITORY=o/r", "GITHUB_TOKEN=x"}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("none.json: no such file") != std::string::npos);
}

TEST_CASE("check --sync-issue opens the tracking issue; issue --dry-run changes nothing", "[issue][cli]") {
    FixtureServer server;
    Reply gone;
    gone.status = 404;
    server.on("alpha.test", "/gone", gone);
    FakeGitHubIssues github(server, "api.github.com", "owner/list", token);
    TempDir dir;
    dir.write("list.md", "|Name|Paper|\n|---|---|\n|Gone|[p](http://alpha.test/gone)|\n");
    const auto config = dir.write("config.toml", config_text(server, "list.md"));
    const std::vector<std::string> env = {"GITHUB_REPOSITORY=owner/list", "GITHUB_TOKEN=" + token,
                                          "GITHUB_API_URL=https://api.github.com"};

    // A dry run first (no diff yet: run check without syncing).
    auto r = run_process({tool_path(), "check", "--config", config}, {{}, env});
    REQUIRE(r.exit_code == 1);  // 404 confirms at once here
    r = run_process({tool_path(), "issue", "--config", config, "--dry-run"}, {{}, env});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--- body ---") != std::string::npos);
    CHECK(r.out.find("<!-- awesome-health:tracking-issue -->") != std::string::npos);
    CHECK(github.issues().empty());
    for (const auto& req : server.requests("api.github.com")) CHECK(req.method == "GET");

    r = run_process({tool_path(), "check", "--config", config, "--sync-issue"}, {{}, env});
    INFO(r.err);
    CHECK(r.exit_code == 0);  // still dead: not new, but it keeps the issue open
    const auto open = github.open_with_label("link-health");
    REQUIRE(open.size() == 1);
    CHECK(open[0].body.find("alpha.test/gone") != std::string::npos);
    CHECK(r.out.find(token) == std::string::npos);
    CHECK(r.err.find(token) == std::string::npos);
    CHECK(read_file(dir.file("reports/health.json")).find(token) == std::string::npos);
}
