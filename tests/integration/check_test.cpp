// The checking engine end to end against the loopback fixture server: verdicts for every
// scripted behaviour, politeness measured by the server itself, and the outage guard.
// The tool reaches the server only through its own configuration (network.connect_to,
// network.ca_bundle, remap), as a user would.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "ah/check_run.h"
#include "ah/extract.h"
#include "support/fixture_server.h"

using namespace ah;
using namespace std::chrono_literals;
using ah::testing::Fault;
using ah::testing::FixtureServer;
using ah::testing::Reply;

namespace {

// connect_to entries for named hosts only, so that other names still go through DNS.
std::vector<std::string> connect_hosts(const FixtureServer& server, std::initializer_list<std::string_view> hosts) {
    std::vector<std::string> out;
    for (auto h : hosts) {
        out.push_back(fmt::format("{}:80:127.0.0.1:{}", h, server.http_port()));
        out.push_back(fmt::format("{}:443:127.0.0.1:{}", h, server.https_port()));
    }
    return out;
}

Config test_config(const FixtureServer& server, std::initializer_list<std::string_view> hosts) {
    Config c = default_config();
    c.network.connect_to = connect_hosts(server, hosts);
    c.network.ca_bundle = server.ca_file();
    c.network.proxy = "";
    c.check.timeout_ms = 2000;
    c.check.connect_timeout_ms = 1000;
    c.check.retry_base_ms = 20;
    c.check.retry_max_ms = 100;
    c.check.min_interval_ms = 0;
    c.check.progress = "never";
    c.wayback.enabled = false;  // dead links here have no archived copies to look up
    return c;
}

// A list with one table row per URL.
Catalog list_of(const std::vector<std::string>& urls) {
    std::string md = "|Name|Paper|\n|---|---|\n";
    for (std::size_t i = 0; i < urls.size(); ++i) md += fmt::format("|n{}|[p]({})|\n", i, urls[i]);
    return extract_catalog(md, "test.md");
}

const CheckResult& result_for(const Catalog& c, const RunOutcome& o, std::string_view url) {
    for (std::size_t i = 0; i < c.targets.size(); ++i)
        if (c.targets[i].url == url) return o.results[i];
    FAIL("no target " << url);
    throw;
}

RunOutcome run(const Catalog& c, const Config& config) {
    RunHooks hooks;
    hooks.progress = nullptr;
    return run_checks(c, config, hooks);
}

// A port on 127.0.0.1 that nothing listens on.
std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

Reply status(int code, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = code;
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("check: ok, dead and the HEAD-then-GET fallback", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/ok", status(200));
    server.on("alpha.test", "/gone", status(404));
    server.on("alpha.test", "/head-refused", status(405), "HEAD");
    server.on("alpha.test", "/head-refused", status(200), "GET");
    server.on("alpha.test", "/410", status(410));
    const Catalog c = list_of({"http://alpha.test/ok", "http://alpha.test/gone", "http://alpha.test/head-refused",
                               "https://alpha.test/ok", "http://alpha.test/410"});
    const RunOutcome o = run(c, test_config(server, {"alpha.test"}));
    CHECK(result_for(c, o, "http://alpha.test/ok").verdict == Verdict::ok);
    CHECK(result_for(c, o, "https://alpha.test/ok").verdict == Verdict::ok);
    CHECK(result_for(c, o, "http://alpha.test/ok").method == "HEAD");
    const CheckResult& gone = result_for(c, o, "http://alpha.test/gone");
    CHECK(gone.verdict == Verdict::dead);
    CHECK(gone.http_status == 404);
    // 404 is confirmed once with GET (HEAD alone is never trusted) and never retried.
    CHECK(server.hits("alpha.test", "/gone", "HEAD") == 1);
    CHECK(server.hits("alpha.test", "/gone", "GET") == 1);
    CHECK(gone.retries == 0);
    const CheckResult& refused = result_for(c, o, "http://alpha.test/head-refused");
    CHECK(refused.verdict == Verdict::ok);
    CHECK(refused.method == "GET");
    CHECK(result_for(c, o, "http://alpha.test/410").verdict == Verdict::dead);
    CHECK_FALSE(o.network_unavailable);
}

TEST_CASE("check: 503 then 200 is ok after a retry; 5xx that persists is an error", "[check]") {
    FixtureServer server;
    server.sequence("alpha.test", "/flaky", {status(503), status(200)});
    server.on("alpha.test", "/broken", status(500));
    Config config = test_config(server, {"alpha.test"});
    config.check.max_retries = 2;
    const Catalog c = list_of({"http://alpha.test/flaky", "http://alpha.test/broken"});
    const RunOutcome o = run(c, config);
    const CheckResult& flaky = result_for(c, o, "http://alpha.test/flaky");
    CHECK(flaky.verdict == Verdict::ok);
    CHECK(flaky.retries == 1);
    CHECK(flaky.rate_limited == 1);
    const CheckResult& broken = result_for(c, o, "http://alpha.test/broken");
    CHECK(broken.verdict == Verdict::error);
    CHECK(broken.http_status == 500);
    // HEAD 500 goes straight to GET; GET is tried 1 + max_retries times.
    CHECK(server.hits("alpha.test", "/broken", "HEAD") == 1);
    CHECK(server.hits("alpha.test", "/broken", "GET") == 3);
}

TEST_CASE("check: redirects are followed by us and recorded", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/old", status(301, {{"Location", "http://alpha.test/middle"}}));
    server.on("alpha.test", "/middle", status(308, {{"Location", "https://beta.test/new"}}));
    server.on("beta.test", "/new", status(200));
    server.on("alpha.test", "/temp", status(302, {{"Location", "/ok"}}));
    server.on("alpha.test", "/ok", status(200));
    server.on("alpha.test", "/loop-a", status(302, {{"Location", "/loop-b"}}));
    server.on("alpha.test", "/loop-b", status(302, {{"Location", "/loop-a"}}));
    server.on("alpha.test", "/to-file", status(302, {{"Location", "file:///etc/passwd"}}));
    server.on("alpha.test", "/no-location", status(301));
    const Catalog c = list_of({"http://alpha.test/old", "http://alpha.test/temp", "http://alpha.test/loop-a",
                               "http://alpha.test/to-file", "http://alpha.test/no-location"});
    const RunOutcome o = run(c, test_config(server, {"alpha.test", "beta.test"}));
    const CheckResult& moved = result_for(c, o, "http://alpha.test/old");
    CHECK(moved.verdict == Verdict::moved);
    CHECK(moved.final_url == "https://beta.test/new");
    REQUIRE(moved.redirects.size() == 2);
    CHECK(moved.redirects[0].status == 301);
    CHECK(moved.redirects[1].url == "http://alpha.test/middle");
    const CheckResult& temp = result_for(c, o, "http://alpha.test/temp");
    CHECK(temp.verdict == Verdict::ok);
    CHECK(temp.final_url == "http://alpha.test/ok");
    const CheckResult& loop = result_for(c, o, "http://alpha.test/loop-a");
    CHECK(loop.verdict == Verdict::error);
    CHECK(loop.error.find("redirect loop") != std::string::npos);
    CHECK(result_for(c, o, "http://alpha.test/to-file").verdict == Verdict::error);
    CHECK(result_for(c, o, "http://alpha.test/no-location").verdict == Verdict::error);
    // /ok was reached by one redirect and is not listed itself: one HEAD in all.
    CHECK(server.hits("alpha.test", "/ok", "HEAD") == 1);
}

TEST_CASE("check: too many redirects is an error", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "*", [](const ah::testing::RecordedRequest& r) {
        const int n = std::stoi(r.path.substr(1));
        return status(302, {{"Location", fmt::format("/{}", n + 1)}});
    });
    Config config = test_config(server, {"alpha.test"});
    config.check.max_redirects = 5;
    const Catalog c = list_of({"http://alpha.test/0"});
    const RunOutcome o = run(c, config);
    CHECK(o.results[0].verdict == Verdict::error);
    CHECK(o.results[0].error == "more than 5 redirects");
    CHECK(server.hits("alpha.test") == 6);
}

TEST_CASE("check: the same URL is requested once even when several links lead to it", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/a", status(302, {{"Location", "/final"}}));
    server.on("alpha.test", "/b", status(302, {{"Location", "/final"}}));
    server.on("alpha.test", "/final", status(200));
    const Catalog c = list_of({"http://alpha.test/a", "http://alpha.test/b", "http://alpha.test/final",
                               "http://alpha.test/a"});
    REQUIRE(c.targets.size() == 3);
    const RunOutcome o = run(c, test_config(server, {"alpha.test"}));
    CHECK(server.hits("alpha.test", "/final") == 1);
    CHECK(server.hits("alpha.test", "/a") == 1);
    for (const auto& r : o.results) CHECK(r.verdict == Verdict::ok);
}

TEST_CASE("check: per-host in-flight limit holds under the server's own measurement", "[check]") {
    FixtureServer server;
    Reply slow = status(200);
    slow.delay = 80ms;
    server.on("alpha.test", "*", slow);
    server.on("beta.test", "*", slow);
    Config config = test_config(server, {"alpha.test", "beta.test"});
    config.check.per_host_in_flight = 3;
    config.hosts["beta.test"].in_flight = 1;
    std::vector<std::string> urls;
    for (int i = 0; i < 24; ++i) urls.push_back(fmt::format("http://alpha.test/{}", i));
    for (int i = 0; i < 5; ++i) urls.push_back(fmt::format("http://beta.test/{}", i));
    const Catalog c = list_of(urls);
    const RunOutcome o = run(c, config);
    CHECK(server.peak_concurrency("alpha.test") == 3);
    CHECK(server.peak_concurrency("beta.test") == 1);
    CHECK(server.rejected_429("alpha.test") == 0);
    for (const auto& r : o.results) CHECK(r.verdict == Verdict::ok);
}

TEST_CASE("check: 429 with Retry-After stops that host only", "[check]") {
    FixtureServer server;
    server.sequence("alpha.test", "/limited", {status(429, {{"Retry-After", "2"}}), status(200)});
    Reply quick = status(200);
    quick.delay = 50ms;
    server.on("beta.test", "*", quick);
    Config config = test_config(server, {"alpha.test", "beta.test"});
    config.check.per_host_in_flight = 1;
    const Catalog c = list_of({"http://alpha.test/limited", "http://alpha.test/other", "http://beta.test/1",
                               "http://beta.test/2", "http://beta.test/3"});
    server.on("alpha.test", "/other", status(200));
    const RunOutcome o = run(c, config);
    CHECK(result_for(c, o, "http://alpha.test/limited").verdict == Verdict::ok);
    CHECK(result_for(c, o, "http://alpha.test/limited").rate_limited == 1);
    const auto alpha = server.requests("alpha.test");
    const auto beta = server.requests("beta.test");
    REQUIRE(!alpha.empty());
    const auto first_429 = alpha.front().at;
    // After the 429 nothing reached alpha.test for 2 s...
    for (std::size_t i = 1; i < alpha.size(); ++i) CHECK(alpha[i].at - first_429 >= 1900ms);
    // ...while beta.test was served meanwhile.
    REQUIRE(!beta.empty());
    CHECK(beta.back().at - first_429 < 1500ms);
    CHECK(o.rate_limited == 1);
}

TEST_CASE("check: blocked, bot walls and absurd Retry-After values", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/forbidden", status(403));
    server.on("alpha.test", "/challenge", status(403, {{"cf-mitigated", "challenge"}}));
    server.on("alpha.test", "/forever", status(429, {{"Retry-After", "86400"}}));
    server.sequence("alpha.test", "/negative", {status(429, {{"Retry-After", "-5"}}), status(200)});
    server.sequence("alpha.test", "/past-date", {status(503, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}), status(200)});
    server.on("alpha.test", "/999", status(999));
    server.on("gamma.test", "/forbidden", status(403));
    Config config = test_config(server, {"alpha.test", "gamma.test"});
    config.hosts["gamma.test"].blocked_as = "dead";
    const Catalog c = list_of({"http://alpha.test/forbidden", "http://alpha.test/challenge", "http://alpha.test/forever",
                               "http://alpha.test/negative", "http://alpha.test/past-date", "http://alpha.test/999",
                               "http://gamma.test/forbidden"});
    const auto start = std::chrono::steady_clock::now();
    const RunOutcome o = run(c, config);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(result_for(c, o, "http://alpha.test/forbidden").verdict == Verdict::blocked);
    const CheckResult& wall = result_for(c, o, "http://alpha.test/challenge");
    CHECK(wall.verdict == Verdict::blocked);
    CHECK(wall.error.find("Cloudflare") != std::string::npos);
    const CheckResult& forever = result_for(c, o, "http://alpha.test/forever");
    CHECK(forever.verdict == Verdict::blocked);
    CHECK(forever.attempts == 1);
    CHECK(result_for(c, o, "http://alpha.test/negative").verdict == Verdict::ok);
    CHECK(result_for(c, o, "http://alpha.test/past-date").verdict == Verdict::ok);
    CHECK(result_for(c, o, "http://alpha.test/999").verdict == Verdict::blocked);
    CHECK(result_for(c, o, "http://gamma.test/forbidden").verdict == Verdict::dead);
}

TEST_CASE("check: a server that never answers costs the timeout per attempt", "[check]") {
    FixtureServer server;
    Reply silent;
    silent.fault = Fault::never_answer;
    server.on("alpha.test", "/silent", silent);
    Reply stall = status(200);
    stall.body = std::string(4096, 'x');
    stall.fault = Fault::stall_after_headers;
    server.on("alpha.test", "/stall", status(405), "HEAD");
    server.on("alpha.test", "/stall", stall, "GET");
    Reply trickle = status(200);
    trickle.body = std::string(4096, 'x');
    trickle.fault = Fault::trickle_body;
    trickle.trickle_interval = std::chrono::milliseconds(100);
    server.on("alpha.test", "/trickle", status(405), "HEAD");
    server.on("alpha.test", "/trickle", trickle, "GET");
    Config config = test_config(server, {"alpha.test"});
    config.check.timeout_ms = 300;
    config.check.max_retries = 1;
    const Catalog c = list_of({"http://alpha.test/silent", "http://alpha.test/stall", "http://alpha.test/trickle"});
    const auto start = std::chrono::steady_clock::now();
    const RunOutcome o = run(c, config);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(o.results[0].verdict == Verdict::error);
    CHECK(o.results[0].transport == TransportError::timeout);
    CHECK(o.results[0].attempts == 2);
    // Headers then silence, and a body one byte per 100 ms: both cut by the same timeout.
    for (std::size_t i : {1u, 2u}) {
        CHECK(o.results[i].verdict == Verdict::error);
        CHECK(o.results[i].transport == TransportError::timeout);
    }
    CHECK(took >= 550ms);
    CHECK(took < 3s);  // two attempts of 300 ms and a short backoff, with slack for a loaded machine
}

TEST_CASE("check: a 100 MB body is not downloaded", "[check]") {
    FixtureServer server;
    Reply huge = status(200);
    huge.generated_body_bytes = 100ull << 20;
    server.on("alpha.test", "/huge", status(405), "HEAD");
    server.on("alpha.test", "/huge", huge, "GET");
    const Catalog c = list_of({"http://alpha.test/huge"});
    const auto start = std::chrono::steady_clock::now();
    const RunOutcome o = run(c, test_config(server, {"alpha.test"}));
    CHECK(o.results[0].verdict == Verdict::ok);
    CHECK(o.results[0].method == "GET");
    CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE("check: transport failures: refused, DNS, TLS, garbage, resets", "[check]") {
    FixtureServer server;
    ah::testing::FixtureServerOptions bad_tls;
    bad_tls.tls_self_signed_leaf = true;
    FixtureServer untrusted(bad_tls);
    untrusted.on("beta.test", "/", status(200));
    Reply garbage;
    garbage.fault = Fault::garbage_status_line;
    server.on("alpha.test", "/garbage", garbage);
    Reply reset = status(200);
    reset.body = std::string(100000, 'x');
    reset.fault = Fault::reset_mid_body;
    server.on("alpha.test", "/reset", status(405), "HEAD");
    server.on("alpha.test", "/reset", reset, "GET");
    Config config = test_config(server, {"alpha.test"});
    config.network.connect_to.push_back(fmt::format("beta.test:443:127.0.0.1:{}", untrusted.https_port()));
    config.network.connect_to.push_back(fmt::format("refused.test:80:127.0.0.1:{}", closed_port()));
    config.check.max_retries = 1;
    Reply endless;
    endless.fault = Fault::endless_header;
    server.on("alpha.test", "/endless", endless);
    const Catalog c = list_of({"http://refused.test/", "http://nonexistent.invalid/", "https://beta.test/",
                               "http://alpha.test/garbage", "http://alpha.test/reset", "http://alpha.test/endless"});
    const RunOutcome o = run(c, config);
    const CheckResult& refused = result_for(c, o, "http://refused.test/");
    CHECK(refused.verdict == Verdict::error);
    CHECK(refused.transport == TransportError::connect);
    CHECK(refused.attempts == 2);  // a refused connection is retried
    const CheckResult& nx = result_for(c, o, "http://nonexistent.invalid/");
    CHECK(nx.verdict == Verdict::dead);
    CHECK(nx.transport == TransportError::dns);
    CHECK(nx.attempts == 1);  // NXDOMAIN is never retried
    const CheckResult& tls = result_for(c, o, "https://beta.test/");
    CHECK(tls.verdict == Verdict::error);
    CHECK(tls.transport == TransportError::tls);
    CHECK(tls.error.find("TLS") != std::string::npos);
    CHECK(untrusted.hits("beta.test") == 0);
    CHECK(result_for(c, o, "http://alpha.test/garbage").verdict == Verdict::error);
    CHECK(result_for(c, o, "http://alpha.test/garbage").transport == TransportError::protocol);
    const CheckResult& broken = result_for(c, o, "http://alpha.test/reset");
    CHECK(broken.verdict == Verdict::error);
    CHECK(broken.transport == TransportError::receive);
    // An endless header is cut off by curl (100 KiB) or by our own 256 KiB guard.
    const CheckResult& endless_result = result_for(c, o, "http://alpha.test/endless");
    CHECK(endless_result.verdict == Verdict::error);
    CHECK(endless_result.transport != TransportError::none);
    CHECK(endless_result.elapsed < 5s);
}

TEST_CASE("check: filters, schemes and remap rules", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/moved-here/x", status(200));
    Config config = test_config(server, {"alpha.test"});
    config.remap.push_back({"^https://old\\.example\\.org/(.*)$", "http://alpha.test/moved-here/$1"});
    config.filter.exclude = {"skip-me"};
    config.filter.exclude_private = true;
    const Catalog c = list_of({"https://old.example.org/x", "http://alpha.test/skip-me", "mailto:a@example.org",
                               "http://127.0.0.1:9/", "docs/readme.md"});
    const RunOutcome o = run(c, config);
    const CheckResult& remapped = result_for(c, o, "https://old.example.org/x");
    CHECK(remapped.verdict == Verdict::ok);
    CHECK(remapped.url == "http://alpha.test/moved-here/x");
    CHECK(remapped.listed_url == "https://old.example.org/x");
    CHECK(o.remapped_by[0] == "^https://old\\.example\\.org/(.*)$");
    CHECK(result_for(c, o, "http://alpha.test/skip-me").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "mailto:a@example.org").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "http://127.0.0.1:9/").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "docs/readme.md").verdict == Verdict::skipped);
    CHECK(server.hits("alpha.test", "/skip-me") == 0);
}

TEST_CASE("check: the outage guard trips when every host is unreachable, not when one is", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "*", status(200));
    server.on("beta.test", "*", status(200));
    const std::uint16_t nowhere = closed_port();
    SECTION("every host unreachable") {
        Config config = default_config();
        config.check.progress = "never";
        config.check.max_retries = 0;
        for (const char* h : {"alpha.test", "beta.test", "gamma.test", "delta.test"})
            config.network.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", h, nowhere));
        const Catalog c = list_of({"http://alpha.test/", "http://beta.test/", "http://gamma.test/", "http://delta.test/"});
        const RunOutcome o = run(c, config);
        CHECK(o.network_unavailable);
        CHECK(o.outage_reason.find("4 of 4 hosts") != std::string::npos);
    }
    SECTION("one host unreachable") {
        Config config = test_config(server, {"alpha.test", "beta.test", "gamma.test"});
        config.check.max_retries = 0;
        config.network.connect_to.push_back(fmt::format("delta.test:80:127.0.0.1:{}", nowhere));
        server.on("gamma.test", "*", status(200));
        const Catalog c = list_of({"http://alpha.test/", "http://beta.test/", "http://gamma.test/", "http://delta.test/"});
        const RunOutcome o = run(c, config);
        CHECK_FALSE(o.network_unavailable);
        CHECK(result_for(c, o, "http://delta.test/").verdict == Verdict::error);
    }
}

TEST_CASE("check: links that were slow last run start first", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "*", status(200));
    Config config = test_config(server, {"alpha.test"});
    config.check.per_host_in_flight = 1;
    const Catalog c = list_of({"http://alpha.test/fast1", "http://alpha.test/fast2", "http://alpha.test/slow",
                               "http://alpha.test/new"});
    RunHooks hooks;
    hooks.progress = nullptr;
    hooks.previous_elapsed = {{"http://alpha.test/fast1", 50ms}, {"http://alpha.test/fast2", 60ms},
                              {"http://alpha.test/slow", 2000ms}};
    run_checks(c, config, hooks);
    const auto requests = server.requests("alpha.test");
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].path == "/slow");
    CHECK(requests[1].path == "/fast2");  // unknown "/new" is expected to take the median (60 ms)
    CHECK(requests[3].path == "/fast1");
}
