// Resource bounds of `awesome-health check` (issue 7): the open file descriptors of the
// running CLI, sampled from /proc/PID/fd, stay within the concurrency settings however many
// links and hosts the list has. Loopback only (the fixture server), bounded in time.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "support/fixture_server.h"
#include "support/run_process.h"

extern char** environ;

using ah::testing::FixtureServer;
using ah::testing::Reply;
using ah::testing::TempDir;

namespace {

struct FdCount {
    int all = 0;
    int sockets = 0;
};

FdCount count_fds(pid_t pid) {
    FdCount n;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(fmt::format("/proc/{}/fd", pid), ec)) {
        ++n.all;
        std::error_code link_ec;
        const auto target = std::filesystem::read_symlink(entry.path(), link_ec);
        if (!link_ec && target.string().rfind("socket:", 0) == 0) ++n.sockets;
    }
    return n;
}

}  // namespace

TEST_CASE("check keeps its open file descriptors within max_in_flight", "[check][cli][resources]") {
    constexpr int per_host_in_flight = 2;
    constexpr int max_in_flight = 4;
    constexpr int hosts = 8;
    constexpr int links = 200;
    FixtureServer server;
    Reply slow;
    slow.delay = std::chrono::milliseconds(30);  // long enough for connections to pile up if they could
    std::string connect_to;
    for (int h = 0; h < hosts; ++h) {
        const std::string host = fmt::format("h{}.test", h);
        server.on(host, "*", slow);
        connect_to += fmt::format("{}\"{}:80:127.0.0.1:{}\"", h == 0 ? "" : ", ", host, server.http_port());
    }
    TempDir dir;
    std::string list = "# Links\n\n|Name|Paper|\n|---|---|\n";
    for (int i = 0; i < links; ++i) list += fmt::format("|n{}|[p](http://h{}.test/paper/{})|\n", i, i % hosts, i);
    const std::string list_path = dir.write("list.md", list);
    const std::string config_path = dir.write(
        "config.toml",
        fmt::format("[check]\nper_host_in_flight = {}\nmax_in_flight = {}\nmin_interval_ms = 0\ntimeout_ms = 5000\n"
                    "progress = \"never\"\n\n[reports]\ndir = \"reports\"\n\n[wayback]\nenabled = false\n\n"
                    "[network]\nconnect_to = [{}]\nproxy = \"\"\n",
                    per_host_in_flight, max_in_flight, connect_to));

    // Spawned directly (not run_process) so its /proc/PID/fd can be read while it runs.
    const std::string tool = ah::testing::tool_path();
    std::vector<std::string> args = {tool, "check", "--config", config_path, "-q", list_path};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, dir.file("stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, dir.file("stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);

    FdCount peak;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            FAIL("check did not finish within 60 s");
        }
        const FdCount now = count_fds(pid);
        peak.all = std::max(peak.all, now.all);
        peak.sockets = std::max(peak.sockets, now.sockets);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    INFO("stderr: " << ah::testing::read_file(dir.file("stderr.txt")));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::size_t hit = 0;
    for (int h = 0; h < hosts; ++h) hit += server.hits(fmt::format("h{}.test", h));
    CHECK(hit == links);
    INFO("peak: " << peak.all << " descriptors, " << peak.sockets << " sockets");
    CHECK(peak.sockets >= 1);  // the sampling saw the run at work
    // One connection per request in flight, plus what the event loop and libcurl keep open
    // for themselves (epoll, eventfd, timerfd, curl's wake-up socket pair, stdio): never
    // one per host or per link.
    CHECK(peak.sockets <= max_in_flight + 2);
    CHECK(peak.all <= max_in_flight + 16);
    for (int h = 0; h < hosts; ++h) CHECK(server.peak_concurrency(fmt::format("h{}.test", h)) <= per_host_in_flight);
}
