// Secrets and untrusted input across the whole nightly job: the GitHub token and credentials
// written into list URLs appear in no output, log, report, crash message or leftover file;
// the token reaches the API host only; list content never reaches a shell.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "support/fake_apis.h"
#include "support/fake_github_issues.h"
#include "support/fixture_server.h"
#include "support/run_process.h"
#include "support/skip.h"

using namespace std::chrono_literals;
using ah::testing::FakeGitHubIssues;
using ah::testing::FixtureServer;
using ah::testing::ProcessControl;
using ah::testing::ProcessOptions;
using ah::testing::ProcessResult;
using ah::testing::read_file;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

const std::string token = "ghp_N1ghtlyS3cretT0kenDoNotLeak0123456789";
const std::string password = "hunter2-list-password";

Reply status(int code) {
    Reply r;
    r.status = code;
    return r;
}

// What each artifact is called in a failure message, and its text.
using Artifacts = std::vector<std::pair<std::string, std::string>>;

void add_outputs(Artifacts& all, const std::string& what, const ProcessResult& r) {
    all.emplace_back(what + " stdout", r.out);
    all.emplace_back(what + " stderr", r.err);
}

}  // namespace

TEST_CASE("the token and list credentials appear in no artifact of a whole nightly job", "[secrets][cli]") {
    FixtureServer server;
    ah::testing::FakeGithub github;
    github.expected_token = token;
    github.repos["o/archived"].archived = true;
    github.missing.insert("o/gone");
    github.install(server);
    ah::testing::FakeArxiv arxiv;
    arxiv.papers["2301.00001"].title = "Alpha";
    arxiv.install(server);
    FakeGitHubIssues issues(server, "api.github.com", "owner/list", token);
    server.on("private.test", "/paper", status(200));
    server.on("private.test", "/dead", status(404));
    server.on("alpha.test", "/gone", status(404));
    // A page that sends the checker to another host, which echoes nothing back.
    Reply hop;
    hop.status = 302;
    hop.headers = {{"Location", "http://beta.test/landing"}};
    server.on("alpha.test", "/hop", hop);
    server.on("beta.test", "/landing", status(200));
    // Shell metacharacters in URLs: checked like any URL, never run.
    server.on("alpha.test", "*", status(404));

    TempDir dir;
    const std::string canary = dir.file("pwned");
    dir.write("list.md",
              fmt::format("|Name|Title|Publication|Paper|Code|\n|---|---|---|---|---|\n"
                          "|A|Alpha|CVPR2023|[p](https://arxiv.org/abs/2301.00001)|[c](https://github.com/o/archived)|\n"
                          "|B|Beta|ICCV2023|[p](http://reader:{0}@private.test/paper)|[c](https://github.com/o/gone)|\n"
                          "|C|Gamma|ECCV2022|[p](http://reader:{0}@private.test/dead)|[c](http://alpha.test/hop)|\n"
                          "|D|Delta|NeurIPS2022|[p](http://alpha.test/$(touch%20{1}))|[c](http://alpha.test/;touch%20{1};)|\n"
                          "|E|Eps|ICLR2024|[p](http://alpha.test/a&&touch%20{1})|[c](http://alpha.test/gone)|\n",
                          password, canary));
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    const auto config = dir.write(
        "config.toml", fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"always\"\nretry_base_ms = 5\n"
                                   "[network]\nconnect_to = [{}]\nca_bundle = \"{}\"\n[history]\nconfirm_at_once = [\"404\"]\n"
                                   "[wayback]\nenabled = false\n",
                                   connect, server.ca_file()));
    ProcessOptions env;
    env.extra_env = {"GITHUB_REPOSITORY=owner/list", "GITHUB_TOKEN=" + token, "GITHUB_API_URL=https://api.github.com"};

    Artifacts all;
    const auto night = run_process({tool_path(), "check", "--config", config, "--sync-issue"}, env);
    INFO(night.err);
    REQUIRE(night.exit_code == 1);
    add_outputs(all, "check --sync-issue", night);
    REQUIRE(issues.open_with_label("link-health").size() == 1);
    std::filesystem::copy_file(dir.file("reports/health.json"), dir.file("night1.json"));
    const auto second = run_process({tool_path(), "check", "--config", config, "--sync-issue", "-q"}, env);
    add_outputs(all, "second check", second);
    const auto dry = run_process({tool_path(), "issue", "--config", config, "--dry-run"}, env);
    CHECK(dry.exit_code == 0);
    add_outputs(all, "issue --dry-run", dry);
    for (const char* format : {"md", "json", "html"}) {
        add_outputs(all, fmt::format("diff --format {}", format),
                    run_process({tool_path(), "diff", dir.file("night1.json"), dir.file("reports/health.json"), "--format",
                                 format},
                                env));
        add_outputs(all, fmt::format("render --format {}", format),
                    run_process({tool_path(), "render", dir.file("reports/health.json"), "--format", format}, env));
    }
    add_outputs(all, "dump", run_process({tool_path(), "dump", "--config", config}, env));
    // A crash mid-run (SIGSEGV, SIGABRT) prints what the runtime prints; nothing of ours.
    for (int sig : {SIGSEGV, SIGABRT}) {
        ProcessControl crash;
        crash.signal_after = 150ms;
        crash.signal_to_send = sig;
        add_outputs(all, fmt::format("check crashed by signal {}", sig),
                    run_process({tool_path(), "check", "--config", config, "--set", "reports.dir=crash"}, env, crash));
    }
    // Every file the job left behind, leftovers included; and the issue it wrote.
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
        if (e.is_regular_file() && e.path().filename() != "list.md")
            all.emplace_back(e.path().string(), read_file(e.path().string()));
    for (const auto& issue : issues.issues()) {
        all.emplace_back(fmt::format("issue #{} body", issue.number), issue.title + "\n" + issue.body);
        for (const auto& comment : issue.comments) all.emplace_back(fmt::format("issue #{} comment", issue.number), comment);
    }
    REQUIRE(all.size() > 25);
    bool masked_seen = false;
    for (const auto& [what, text] : all) {
        INFO(what);
        CHECK(text.find(token) == std::string::npos);
        CHECK(text.find(password) == std::string::npos);
        masked_seen = masked_seen || text.find("http://***@private.test/dead") != std::string::npos;
    }
    // The dead link with credentials is reported, masked; the links in the reports lead to
    // the page without them.
    CHECK(masked_seen);
    CHECK(read_file(dir.file("reports/index.html")).find("href=\"http://private.test/dead\"") != std::string::npos);
    CHECK(read_file(dir.file("reports/diff.md")).find("](http://private.test/dead)") != std::string::npos);
    const auto body = issues.open_with_label("link-health").at(0).body;
    INFO(body);
    CHECK(body.find("private.test/dead") != std::string::npos);
    CHECK(body.find("reader") == std::string::npos);

    // The token went to the API host and nowhere else; on the API host it was sent over TLS.
    for (const auto& host : {"private.test", "alpha.test", "beta.test", "export.arxiv.org"}) {
        INFO(host);
        CHECK(!server.requests(host).empty());
        for (const auto& req : server.requests(host)) {
            CHECK(req.header("authorization").find(token) == std::string::npos);
            CHECK(req.target.find(token) == std::string::npos);
            CHECK(req.body.find(token) == std::string::npos);
        }
    }
    for (const auto& req : server.requests("api.github.com")) CHECK(req.tls);
    // The list's credentials went to their own host only.
    for (const auto& host : {"alpha.test", "beta.test", "api.github.com"})
        for (const auto& req : server.requests(host)) CHECK(req.header("authorization").find("Basic") == std::string::npos);

    // No shell ever ran list content.
    CHECK(!std::filesystem::exists(canary));
}

TEST_CASE("the tool has no way to run a shell or another program", "[secrets]") {
    // The canary above shows list content is never run; this keeps it so: no source file of the
    // tool calls anything that starts a process.
    const std::regex spawn(R"(\b(system|popen|fork|vfork|execl|execlp|execle|execv|execvp|execvpe|posix_spawnp?)\s*\()");
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(AH_SOURCE_DIR "/src")) {
        if (!e.is_regular_file()) continue;
        ++files;
        const std::string text = read_file(e.path().string());
        std::smatch m;
        INFO(e.path().string());
        CHECK(!std::regex_search(text, m, spawn));
    }
    CHECK(files > 20);
}

TEST_CASE("a crash with a token in the environment writes no core file", "[secrets][cli]") {
    // A core file holds the whole environment, the token included. A slow server keeps the
    // run busy until SIGQUIT (whose default action is to dump core) arrives.
    FixtureServer server;
    Reply slow;
    slow.delay = 5s;
    server.on("slow.test", "*", slow);
    TempDir dir;
    dir.write("list.md", "[a](http://slow.test/a)\n");
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    const auto config = dir.write("config.toml", fmt::format("[list]\nsource = \"list.md\"\n[check]\nprogress = \"never\"\n"
                                                             "[network]\nconnect_to = [{}]\n",
                                                             connect));
    const auto crash = [&](const std::string& token_value) {
        ProcessOptions options;
        options.working_dir = dir.path();
        options.extra_env = {"GITHUB_TOKEN=" + token_value};
        // The sanitizer runtimes turn core files off by default; on here, as in a plain build.
        for (const char* name : {"ASAN_OPTIONS", "TSAN_OPTIONS"}) {
            const char* now = std::getenv(name);
            options.extra_env.push_back(fmt::format("{}={}{}disable_coredump=0", name, now ? now : "", now ? ":" : ""));
        }
        ProcessControl control;
        control.signal_after = 300ms;
        control.signal_to_send = SIGQUIT;
        control.core_size_limit = RLIM_INFINITY;
        const auto r = run_process({tool_path(), "check", "--config", config}, options, control);
        CHECK(r.signal == SIGQUIT);
        bool core = false;
        for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
            const std::string name = e.path().filename().string();
            if (name.rfind("core", 0) == 0) {
                core = true;
                std::filesystem::remove(e.path());
            }
        }
        return core;
    };
    // Without a token a core file is written here; only then does its absence below mean anything.
    const std::string pattern = read_file("/proc/sys/kernel/core_pattern");
    if (pattern.rfind("core", 0) != 0 || !crash("")) {
        AH_SKIP("crashes write no core file in the working directory here (core_pattern '"
                << pattern.substr(0, pattern.find('\n')) << "')");
    }
    CHECK(!crash(token));
}
