// Fault injection (issue 7): whole checking runs against a fixture server that misbehaves in
// every way the web does. Each test asserts the verdict, what the fault may cost in time
// (derived from the configured timeouts, with slack for a loaded machine under sanitizers),
// that requests and bytes stay bounded, and that a healthy link checked in the same run
// still comes out ok. tests/README.md tabulates fault -> verdict -> bound.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "ah/check_run.h"
#include "ah/url.h"
#include "engine_config.h"
#include "list_source.h"
#include "net/http_engine.h"
#include "support/check_support.h"
#include "support/fixture_server.h"
#include "support/gzip_body.h"

using namespace ah;
using namespace ah::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view healthy_url = "https://healthy.test/ok";
// A loaded two-core machine running ASan builds of two other projects beside ours: the
// bounds below prove that a fault ends, not how fast this machine is.
constexpr milliseconds load_slack{3000};

// What checking one link may cost: `attempts` requests of at most timeout_ms each, the
// longest backoff between them, and slack.
milliseconds cost_bound(const Config& config, int attempts) {
    return attempts * milliseconds(config.check.timeout_ms) +
           (attempts - 1) * milliseconds(config.check.retry_max_ms) + load_slack;
}

struct FaultRun {
    Catalog catalog;
    RunOutcome outcome;
    milliseconds took{0};

    const CheckResult& operator[](std::string_view url) const { return result_for(catalog, outcome, url); }
};

// Runs `urls` plus a healthy link on a host of its own, and checks that one: the run went on.
FaultRun run_with_healthy(FixtureServer& server, Config config, std::vector<std::string> urls) {
    server.on("healthy.test", "/ok", status(200));
    for (auto& entry : connect_hosts(server, {"healthy.test"})) config.network.connect_to.push_back(entry);
    urls.emplace_back(healthy_url);
    FaultRun out{list_of(urls), {}, {}};
    const auto start = Clock::now();
    out.outcome = run(out.catalog, config);
    out.took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    const CheckResult& healthy = out[healthy_url];
    INFO("healthy link: " << healthy.error);
    CHECK(healthy.verdict == Verdict::ok);
    CHECK(healthy.attempts == 1);
    return out;
}

// Peak resident set size of this process in bytes (VmHWM), 0 when unknown.
std::uint64_t peak_rss() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
}

// Starts the peak over from the current size where Linux allows it; returns that size.
std::uint64_t reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
    return peak_rss();
}

Reply with_fault(Fault fault, std::string body = std::string(4096, 'x')) {
    Reply reply = status(200, {{"Content-Type", "text/html"}});
    reply.body = std::move(body);
    reply.fault = fault;
    return reply;
}

// HEAD is refused, so the check reads the body with GET.
void on_get_only(FixtureServer& server, const std::string& host, const std::string& path, Reply get) {
    server.on(host, path, status(405), "HEAD");
    server.on(host, path, std::move(get), "GET");
}

}  // namespace

TEST_CASE("fault: a server that accepts and never answers costs timeout_ms per attempt", "[fault]") {
    FixtureServer server;
    server.on("silent.test", "/", with_fault(Fault::never_answer));
    on_get_only(server, "stall.test", "/", with_fault(Fault::stall_after_headers));
    Config config = test_config(server, {"silent.test", "stall.test"});
    config.check.timeout_ms = 300;
    config.check.max_retries = 1;
    const auto r = run_with_healthy(server, config, {"http://silent.test/", "http://stall.test/"});

    const CheckResult& silent = r["http://silent.test/"];
    CHECK(silent.verdict == Verdict::error);
    CHECK(silent.transport == TransportError::timeout);
    CHECK(silent.http_status == 0);
    CHECK(silent.attempts == 2);
    CHECK(server.hits("silent.test") == 2);
    // Headers, then silence: the status was seen, the timeout still ends it.
    const CheckResult& stall = r["http://stall.test/"];
    CHECK(stall.verdict == Verdict::error);
    CHECK(stall.transport == TransportError::timeout);
    CHECK(server.hits("stall.test", "/", "GET") == 2);
    for (const CheckResult* faulty : {&silent, &stall}) {
        CHECK(faulty->elapsed >= 550ms);
        CHECK(faulty->elapsed < cost_bound(config, 2));
    }
    CHECK(r.took < cost_bound(config, 2));
}

TEST_CASE("fault: slowloris, one byte per second in the headers or the body, ends at the timeout", "[fault]") {
    FixtureServer server;
    Reply head_trickle = with_fault(Fault::trickle_headers);
    head_trickle.trickle_interval = 1000ms;
    server.on("slow-head.test", "/", head_trickle);
    Reply body_trickle = with_fault(Fault::trickle_body);
    body_trickle.trickle_interval = 1000ms;
    on_get_only(server, "slow-body.test", "/", body_trickle);
    Config config = test_config(server, {"slow-head.test", "slow-body.test"});
    config.check.timeout_ms = 1500;
    config.check.max_retries = 0;
    const auto r = run_with_healthy(server, config, {"http://slow-head.test/", "http://slow-body.test/"});

    for (const char* url : {"http://slow-head.test/", "http://slow-body.test/"}) {
        INFO(url);
        const CheckResult& slow = r[url];
        CHECK(slow.verdict == Verdict::error);
        CHECK(slow.transport == TransportError::timeout);
        CHECK(slow.elapsed >= 1450ms);
        CHECK(slow.elapsed < cost_bound(config, 1));
    }
    CHECK(r["http://slow-head.test/"].attempts == 1);
    CHECK(server.hits("slow-body.test", "/", "GET") == 1);  // after the HEAD's 405
    // The server really trickled: two header bytes in 1.5 s; or the HEAD's 405 and the GET's
    // headers, then a byte or two of the 4096-byte body.
    CHECK(server.bytes_sent("slow-head.test") <= 3);
    CHECK(server.bytes_sent("slow-body.test") < 300);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a reset mid-body or a close without an answer is retried, then an error", "[fault]") {
    FixtureServer server;
    on_get_only(server, "reset.test", "/", with_fault(Fault::reset_mid_body, std::string(100000, 'x')));
    server.on("hangup.test", "/", with_fault(Fault::close_immediately));
    Config config = test_config(server, {"reset.test", "hangup.test"});
    config.check.max_retries = 2;
    const auto r = run_with_healthy(server, config, {"http://reset.test/", "http://hangup.test/"});

    const CheckResult& reset = r["http://reset.test/"];
    CHECK(reset.verdict == Verdict::error);
    CHECK(reset.transport == TransportError::receive);
    CHECK(reset.http_status == 200);  // the status arrived before the reset
    CHECK(server.hits("reset.test", "/", "GET") == 3);
    const CheckResult& hangup = r["http://hangup.test/"];
    CHECK(hangup.verdict == Verdict::error);
    CHECK(hangup.transport == TransportError::receive);
    CHECK(server.hits("hangup.test") == 3);
    // Nothing here waits for a timeout: only the backoff between attempts.
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a malformed status line, a body shorter than its Content-Length, or not the gzip it claims, "
          "is an error", "[fault]") {
    FixtureServer server;
    server.on("garbage.test", "/", with_fault(Fault::garbage_status_line));
    Reply short_body = status(200, {{"Content-Length", "1000"}, {"Connection", "close"}});
    short_body.body = "only this";
    on_get_only(server, "short.test", "/", short_body);
    Reply fake_gzip = status(200, {{"Content-Encoding", "gzip"}});
    fake_gzip.body = "<html>not gzip at all</html>";
    on_get_only(server, "fake-gzip.test", "/", fake_gzip);
    Config config = test_config(server, {"garbage.test", "short.test", "fake-gzip.test"});
    config.check.max_retries = 1;
    const auto r = run_with_healthy(server, config,
                                    {"http://garbage.test/", "http://short.test/", "http://fake-gzip.test/"});
    // Protocol errors are not retried: the server will say the same again.
    const CheckResult& garbage = r["http://garbage.test/"];
    CHECK(garbage.verdict == Verdict::error);
    CHECK(garbage.transport == TransportError::protocol);
    CHECK(server.hits("garbage.test") == 1);
    const CheckResult& cut = r["http://short.test/"];
    CHECK(cut.verdict == Verdict::error);
    CHECK(cut.transport == TransportError::receive);  // a dropped connection, perhaps: retried
    CHECK(server.hits("short.test", "/", "GET") == 2);
    const CheckResult& garbled = r["http://fake-gzip.test/"];
    INFO(garbled.error);
    CHECK(garbled.verdict == Verdict::error);
    CHECK(garbled.transport == TransportError::protocol);
    CHECK(server.hits("fake-gzip.test", "/", "GET") == 1);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: an endless header is cut off after a few hundred KiB", "[fault]") {
    FixtureServer server;
    server.on("endless.test", "/", with_fault(Fault::endless_header));
    Config config = test_config(server, {"endless.test"});
    config.check.max_retries = 1;
    const auto r = run_with_healthy(server, config, {"http://endless.test/"});
    const CheckResult& endless = r["http://endless.test/"];
    INFO(endless.error);
    CHECK(endless.verdict == Verdict::error);
    CHECK(endless.transport == TransportError::too_large_headers);
    CHECK(endless.attempts == 1);  // a server that does this once does it again
    // Our 256 KiB guard, plus what the socket buffers held when the client hung up.
    CHECK(server.bytes_sent("endless.test") < 8u << 20);
    CHECK(endless.elapsed < cost_bound(config, 1));
}

TEST_CASE("fault: a 1 GB body is never downloaded: HEAD suffices, or GET stops at the body cap", "[fault]") {
    FixtureServer server;
    Reply huge = status(200, {{"Content-Type", "application/octet-stream"}});
    huge.generated_body_bytes = 1ull << 30;
    server.on("huge-head.test", "/", huge);
    on_get_only(server, "huge-get.test", "/", huge);
    Config config = test_config(server, {"huge-head.test", "huge-get.test"});
    const auto r = run_with_healthy(server, config, {"http://huge-head.test/", "http://huge-get.test/"});

    const CheckResult& by_head = r["http://huge-head.test/"];
    CHECK(by_head.verdict == Verdict::ok);
    CHECK(by_head.method == "HEAD");
    CHECK(server.bytes_sent("huge-head.test") < 1024);  // headers only
    const CheckResult& by_get = r["http://huge-get.test/"];
    CHECK(by_get.verdict == Verdict::ok);
    CHECK(by_get.method == "GET");
    CHECK(server.hits("huge-get.test", "/", "GET") == 1);
    // The client hung up after get_body_cap_bytes (64 KiB); the server wrote only what the
    // socket buffers took meanwhile, not the gigabyte.
    const std::uint64_t sent = server.bytes_sent("huge-get.test");
    INFO("bytes sent " << sent);
    CHECK(sent >= static_cast<std::uint64_t>(config.check.get_body_cap_bytes));
    CHECK(sent < 32u << 20);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a gzip bomb is inflated no further than the body cap", "[fault]") {
    FixtureServer server;
    // 1 GiB of zeros: about 1 MiB of gzip, streamed; gzipped again, a few KiB that inflate twice.
    auto bomb = std::make_shared<RepeatedBody>(gzip_zeros(1ull << 30));
    Reply single = status(200, {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}});
    single.repeated_body = bomb;
    on_get_only(server, "bomb.test", "/", single);
    Reply twice = status(200, {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip, gzip"}});
    twice.body = gzip(materialize(*bomb));
    INFO("bomb " << bomb->size() << " bytes, double bomb " << twice.body.size() << " bytes");
    REQUIRE(twice.body.size() < 64 * 1024);
    on_get_only(server, "bomb2.test", "/", twice);
    Config config = test_config(server, {"bomb.test", "bomb2.test"});
    const std::uint64_t rss_before = reset_peak_rss();

    SECTION("in a whole run: ok, quick, and memory stays flat") {
        const auto r = run_with_healthy(server, config, {"http://bomb.test/", "http://bomb2.test/"});
        for (const char* url : {"http://bomb.test/", "http://bomb2.test/"}) {
            INFO(url);
            CHECK(r[url].verdict == Verdict::ok);
            CHECK(r[url].method == "GET");
            CHECK(r[url].elapsed < cost_bound(config, 1));
        }
        // The checker asks for compressed bodies (curl decodes them before our body cap).
        const auto requests = server.requests("bomb.test");
        REQUIRE(!requests.empty());
        CHECK(requests.back().header("Accept-Encoding").find("gzip") != std::string::npos);
        const std::uint64_t growth = peak_rss() - std::min(peak_rss(), rss_before);
        INFO("peak RSS grew by " << growth << " bytes");
        CHECK(growth < 200u << 20);  // inflating the bomb would take a gigabyte
        CHECK(r.took < cost_bound(config, 1));
    }
    SECTION("in the engine: the cap counts decoded bytes") {
        boost::asio::io_context io;
        net::HttpEngine engine(io, engine_options_from(config));
        std::vector<HttpResponse> responses;
        for (const char* url : {"http://bomb.test/", "http://bomb2.test/"}) {
            HttpRequest request;
            request.url = url;
            request.body_cap = 100000;
            engine.start(request, [&](HttpResponse response) { responses.push_back(std::move(response)); });
        }
        io.run();
        REQUIRE(responses.size() == 2);
        for (const HttpResponse& response : responses) {
            CHECK(response.error == TransportError::none);
            CHECK(response.status == 200);
            CHECK(response.body_truncated);
            CHECK(response.body.size() == 100000);
            CHECK(response.body == std::string(100000, '\0'));
        }
    }
}

TEST_CASE("fault: an endless redirect chain across hosts ends after max_redirects", "[fault]") {
    FixtureServer server;
    // h0.test -> h1.test -> h2.test -> ...: every URL is new, so no loop check can catch it.
    server.on("*", "/", [](const RecordedRequest& request) {
        const int n = std::stoi(request.host.substr(1, request.host.find('.') - 1));
        return status(302, {{"Location", fmt::format("http://h{}.test/", n + 1)}});
    });
    Config config = test_config(server, {});
    config.network.connect_to = server.connect_to();  // every name on :80/:443 reaches the server
    config.check.max_redirects = 10;
    const auto r = run_with_healthy(server, config, {"http://h0.test/"});

    const CheckResult& chain = r["http://h0.test/"];
    CHECK(chain.verdict == Verdict::error);
    CHECK(chain.error == "more than 10 redirects");
    REQUIRE(chain.redirects.size() == 11);
    std::set<std::string> hosts;
    for (const RedirectHop& hop : chain.redirects) hosts.insert(classify_url(hop.url).host);
    CHECK(hosts.size() == 11);  // recorded hop by hop, each on a host of its own
    CHECK(chain.redirects.back().url == "http://h10.test/");
    CHECK(server.total_hits() == 11 + 1);  // the chain and the healthy link, nothing more
    CHECK(server.hits("h11.test") == 0);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a redirect to a private address is never followed from a public page", "[fault]") {
    FixtureServer server;
    const std::string port = std::to_string(server.http_port());
    const std::vector<std::pair<std::string, std::string>> private_targets = {
        {"/to-rfc1918", "http://10.0.0.1/admin"},
        {"/to-metadata", "http://169.254.169.254/latest/meta-data/"},
        {"/to-ipv6-loopback", "http://[::1]/"},
        {"/to-localhost", "http://localhost:" + port + "/secret"},
        {"/to-loopback", "http://127.0.0.1:" + port + "/secret"},
        {"/to-decimal-loopback", "http://2130706433:" + port + "/secret"},  // 127.0.0.1 spelt as a number
        {"/to-mapped", "http://[::ffff:192.168.1.1]/"},
    };
    std::vector<std::string> urls;
    for (const auto& [path, location] : private_targets) {
        server.on("public.test", path, status(302, {{"Location", location}}));
        urls.push_back("http://public.test" + path);
    }
    // The private address can hide behind a public hop.
    server.on("public.test", "/two-hops", status(301, {{"Location", "http://other.test/hop"}}));
    server.on("other.test", "/hop", status(307, {{"Location", "http://192.168.1.1/router"}}));
    urls.push_back("http://public.test/two-hops");
    // Whatever is followed reaches the server, so a followed hop shows up in its counts.
    server.on("*", "*", status(200));
    Config config = test_config(server, {});
    config.network.connect_to = server.connect_to();
    const bool exclude_private = GENERATE(false, true);
    INFO("filter.exclude_private = " << exclude_private);
    config.filter.exclude_private = exclude_private;
    // A listed private link may lead to private addresses unless exclude_private skips it.
    server.on("127.0.0.1", "/private-start", status(302, {{"Location", "http://127.0.0.1:" + port + "/private-end"}}));
    const std::string private_link = "http://127.0.0.1:" + port + "/private-start";
    urls.push_back(private_link);
    const auto r = run_with_healthy(server, config, urls);

    for (const auto& [path, location] : private_targets) {
        INFO(path << " -> " << location);
        const CheckResult& refused = r["http://public.test" + path];
        CHECK(refused.verdict == Verdict::error);
        CHECK(refused.error.find("not followed") != std::string::npos);
        CHECK(refused.redirects.size() == 1);
        CHECK(refused.attempts == 1);
    }
    const CheckResult& hidden = r["http://public.test/two-hops"];
    CHECK(hidden.verdict == Verdict::error);
    CHECK(hidden.error.find("192.168.1.1") != std::string::npos);
    CHECK(hidden.redirects.size() == 2);
    for (const char* host : {"10.0.0.1", "169.254.169.254", "[::1]", "localhost", "[::ffff:192.168.1.1]", "192.168.1.1"})
        CHECK(server.hits(host) == 0);
    CHECK(server.hits("127.0.0.1", "/secret") == 0);
    const CheckResult& listed_private = r[private_link];
    if (exclude_private) {
        CHECK(listed_private.verdict == Verdict::skipped);
        CHECK(server.hits("127.0.0.1") == 0);
        CHECK(r["http://public.test/to-rfc1918"].error.find("filter.exclude_private") != std::string::npos);
    } else {
        CHECK(listed_private.verdict == Verdict::ok);
        CHECK(server.hits("127.0.0.1", "/private-end") == 1);
    }
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a list URL that redirects to a private address is not downloaded", "[fault]") {
    FixtureServer server;
    const std::string port = std::to_string(server.http_port());
    server.on("lists.test", "/README.md", status(302, {{"Location", "http://127.0.0.1:" + port + "/README.md"}}));
    Reply list = status(200);
    list.body = "[x](http://a.test/)\n";
    server.on("127.0.0.1", "/README.md", list);
    const Config config = test_config(server, {"lists.test"});
    const auto text = load_list("http://lists.test/README.md", config);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().message.find("not followed") != std::string::npos);
    CHECK(server.hits("127.0.0.1") == 0);
}

TEST_CASE("fault: TLS handshakes that fail are errors, distinct from an untrusted certificate", "[fault]") {
    FixtureServer server;
    FixtureServerOptions self_signed;
    self_signed.tls_self_signed_leaf = true;
    FixtureServer untrusted(self_signed);
    untrusted.on("untrusted.test", "/", status(200));
    Config config = test_config(server, {});
    const std::vector<std::pair<std::string, TlsFault>> faults = {
        {"plain.test", TlsFault::plain_http},
        {"hangup.test", TlsFault::close_in_handshake},
        {"stall.test", TlsFault::stall_in_handshake},
        {"old.test", TlsFault::tls_1_0_only},
    };
    std::vector<std::string> urls;
    for (const auto& [host, fault] : faults) {
        config.network.connect_to.push_back(fmt::format("{}:443:127.0.0.1:{}", host, server.tls_fault_port(fault)));
        server.on(host, "*", status(200));
        urls.push_back(fmt::format("https://{}/", host));
    }
    config.network.connect_to.push_back(fmt::format("untrusted.test:443:127.0.0.1:{}", untrusted.https_port()));
    urls.emplace_back("https://untrusted.test/");
    config.check.timeout_ms = 1000;
    config.check.max_retries = 1;
    const auto r = run_with_healthy(server, config, urls);

    for (const char* url : {"https://plain.test/", "https://hangup.test/", "https://old.test/", "https://untrusted.test/"}) {
        INFO(url << ": " << r[url].error);
        CHECK(r[url].verdict == Verdict::error);
        CHECK(r[url].transport == TransportError::tls);
        CHECK(r[url].error.find("TLS") != std::string::npos);
        CHECK(r[url].attempts == 1);  // a broken handshake is not retried
        CHECK(r[url].elapsed < cost_bound(config, 1));
    }
    // A handshake that never completes is a timeout, retried like one.
    const CheckResult& stalled = r["https://stall.test/"];
    CHECK(stalled.verdict == Verdict::error);
    CHECK(stalled.transport == TransportError::timeout);
    CHECK(stalled.attempts == 2);
    CHECK(stalled.elapsed < cost_bound(config, 2));
    // No request ever got through.
    for (const auto& [host, fault] : faults) CHECK(server.hits(host) == 0);
    CHECK(untrusted.hits("untrusted.test") == 0);
    CHECK(r.took < cost_bound(config, 2));
}

TEST_CASE("fault: refused connections are retried; a name that does not resolve is dead at once", "[fault]") {
    FixtureServer server;
    Config config = test_config(server, {});
    config.network.connect_to.push_back(fmt::format("refused.test:80:127.0.0.1:{}", closed_port()));
    config.check.max_retries = 2;
    const auto r = run_with_healthy(server, config, {"http://refused.test/", "http://nonexistent.invalid/"});
    const CheckResult& refused = r["http://refused.test/"];
    CHECK(refused.verdict == Verdict::error);
    CHECK(refused.transport == TransportError::connect);
    CHECK(refused.attempts == 3);
    const CheckResult& nx = r["http://nonexistent.invalid/"];
    CHECK(nx.verdict == Verdict::dead);
    CHECK(nx.transport == TransportError::dns);
    CHECK(nx.attempts == 1);  // NXDOMAIN is never retried
    CHECK(r.took < cost_bound(config, 3));
}

TEST_CASE("fault: redirect loops, too many redirects, file:// and a missing Location are errors", "[fault]") {
    FixtureServer server;
    server.on("alpha.test", "/loop-a", status(302, {{"Location", "/loop-b"}}));
    server.on("alpha.test", "/loop-b", status(302, {{"Location", "/loop-a"}}));
    server.on("alpha.test", "/to-file", status(302, {{"Location", "file:///etc/passwd"}}));
    server.on("alpha.test", "/no-location", status(301));
    server.on("beta.test", "*", [](const RecordedRequest& request) {
        return status(302, {{"Location", fmt::format("/{}", std::stoi(request.path.substr(1)) + 1)}});
    });
    Config config = test_config(server, {"alpha.test", "beta.test"});
    config.check.max_redirects = 5;
    const auto r = run_with_healthy(server, config,
                                    {"http://alpha.test/loop-a", "http://alpha.test/to-file",
                                     "http://alpha.test/no-location", "http://beta.test/0"});
    const CheckResult& loop = r["http://alpha.test/loop-a"];
    CHECK(loop.verdict == Verdict::error);
    CHECK(loop.error.find("redirect loop") != std::string::npos);
    CHECK(loop.redirects.size() == 2);
    const CheckResult& to_file = r["http://alpha.test/to-file"];
    CHECK(to_file.verdict == Verdict::error);
    CHECK(to_file.error.find("unsupported URL") != std::string::npos);
    CHECK(r["http://alpha.test/no-location"].verdict == Verdict::error);
    const CheckResult& many = r["http://beta.test/0"];
    CHECK(many.verdict == Verdict::error);
    CHECK(many.error == "more than 5 redirects");
    CHECK(server.hits("beta.test") == 6);
    CHECK(server.hits("alpha.test") == 4);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: a 429 storm with absurd Retry-After values is blocked, quickly, and other hosts keep their pace", "[fault]") {
    FixtureServer server;
    // Negative, 10^12 s, past and far-future dates, garbage, empty, a fraction, a day.
    const std::vector<std::string> absurd = {"-5", "1000000000000", "Wed, 21 Oct 2015 07:28:00 GMT",
                                             "Fri, 31 Dec 9999 23:59:59 GMT", "soon", "", "1.5", "86400"};
    server.on("storm.test", "*", [absurd](const RecordedRequest& request) {
        const std::size_t i = std::stoul(request.path.substr(1));
        return status(429, {{"Retry-After", absurd[i % absurd.size()]}});
    });
    Reply calm = status(200);
    calm.delay = 20ms;
    server.on("calm.test", "*", calm);
    Config config = test_config(server, {"storm.test", "calm.test"});
    config.check.max_retries = 3;
    config.check.min_interval_ms = 10;
    constexpr int storm_links = 30;
    constexpr int calm_links = 10;
    std::vector<std::string> urls;
    for (int i = 0; i < storm_links; ++i) urls.push_back(fmt::format("http://storm.test/{}", i));
    for (int i = 0; i < calm_links; ++i) urls.push_back(fmt::format("http://calm.test/{}", i));
    const auto start = Clock::now();
    const auto r = run_with_healthy(server, config, urls);

    std::vector<std::string> not_asked;  // the errors of the links never requested
    for (int i = 0; i < storm_links; ++i) {
        const std::string& asked = absurd[static_cast<std::size_t>(i) % absurd.size()];
        INFO("Retry-After: " << asked);
        const CheckResult& stormed = r[fmt::format("http://storm.test/{}", i)];
        CHECK(stormed.verdict == Verdict::blocked);  // the site refuses robots; not known dead
        CHECK(stormed.http_status == 429);
        CHECK(stormed.attempts <= 1 + config.check.max_retries);
        // What asks for more than max_retry_after (120 s) is not waited for, nor asked again.
        if (asked == "1000000000000" || asked.find("9999") != std::string::npos || asked == "86400")
            CHECK(stormed.attempts <= 1);
        if (stormed.attempts == 0) not_asked.push_back(stormed.error);
    }
    // Once the host asked for more than that, its other links were not requested at all
    // (before, each of the 30 cost at least one request): only those already on their way.
    CHECK(server.hits("storm.test") <= 3 * static_cast<std::size_t>(config.check.per_host_in_flight) + 4);
    // The run starts a host's links while it has fewer than twice its in-flight limit going
    // (16 here): the others (14 of 30) wait, and when their turn comes the host has said no.
    REQUIRE(not_asked.size() >= static_cast<std::size_t>(storm_links - 2 * config.check.per_host_in_flight));
    for (const auto& why : not_asked)
        CHECK_THAT(why, Catch::StartsWith("not asked: storm.test") && Catch::Contains("more than the 120 s we wait"));
    for (int i = 0; i < calm_links; ++i) CHECK(r[fmt::format("http://calm.test/{}", i)].verdict == Verdict::ok);
    // The calm host went at its own pace: ten requests 10 ms apart, whatever the storm did.
    const auto calm_requests = server.requests("calm.test");
    REQUIRE(calm_requests.size() == calm_links);
    CHECK(calm_requests.back().at - start < 1000ms + load_slack);
    // Nothing slept 10^12 s, a day, or even max_retry_after.
    CHECK(r.took < 2 * load_slack);
}

TEST_CASE("fault: 5xx flapping within a run: a retry that lands on 200 is ok, else an error", "[fault]") {
    FixtureServer server;
    // Each path of flap.test answers 500, 502, 200, 503, 200, ...; of stuck.test 500, 502, 503, 504, 200.
    const auto flapping = [](std::vector<int> statuses) {
        auto hits = std::make_shared<std::map<std::string, std::size_t>>();
        return [statuses, hits](const RecordedRequest& request) {
            const std::size_t n = (*hits)[request.path]++;
            return status(statuses[std::min(n, statuses.size() - 1)]);
        };
    };
    server.on("flap.test", "*", flapping({500, 502, 200, 503, 200}));
    server.on("stuck.test", "*", flapping({500, 502, 503, 504, 200}));
    Config config = test_config(server, {"flap.test", "stuck.test"});
    config.check.max_retries = 1;
    std::vector<std::string> urls;
    for (int i = 0; i < 5; ++i) {
        urls.push_back(fmt::format("http://flap.test/{}", i));
        urls.push_back(fmt::format("http://stuck.test/{}", i));
    }
    const auto r = run_with_healthy(server, config, urls);
    for (int i = 0; i < 5; ++i) {
        // HEAD 500 -> GET 502 -> one retry -> 200.
        const CheckResult& flap = r[fmt::format("http://flap.test/{}", i)];
        CHECK(flap.verdict == Verdict::ok);
        CHECK(flap.retries == 1);
        // HEAD 500 -> GET 502 -> one retry -> 503: retries spent, an error (not dead).
        const CheckResult& stuck = r[fmt::format("http://stuck.test/{}", i)];
        CHECK(stuck.verdict == Verdict::error);
        CHECK(stuck.http_status == 503);
    }
    CHECK(server.hits("flap.test") == 5 * 3);
    CHECK(server.hits("stuck.test") == 5 * 3);
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: 429 with Retry-After: 2 holds back that host only", "[fault]") {
    FixtureServer server;
    server.sequence("alpha.test", "/limited", {status(429, {{"Retry-After", "2"}}), status(200)});
    server.on("alpha.test", "/other", status(200));
    Reply quick = status(200);
    quick.delay = 50ms;
    server.on("beta.test", "*", quick);
    Config config = test_config(server, {"alpha.test", "beta.test"});
    config.check.per_host_in_flight = 1;
    const auto r = run_with_healthy(server, config,
                                    {"http://alpha.test/limited", "http://alpha.test/other", "http://beta.test/1",
                                     "http://beta.test/2", "http://beta.test/3"});
    CHECK(r["http://alpha.test/limited"].verdict == Verdict::ok);
    CHECK(r["http://alpha.test/limited"].rate_limited == 1);
    const auto alpha = server.requests("alpha.test");
    const auto beta = server.requests("beta.test");
    REQUIRE(!alpha.empty());
    const auto first_429 = alpha.front().at;
    // After the 429 nothing reached alpha.test for 2 s...
    for (std::size_t i = 1; i < alpha.size(); ++i) CHECK(alpha[i].at - first_429 >= 1900ms);
    // ...while beta.test was served meanwhile.
    REQUIRE(!beta.empty());
    CHECK(beta.back().at - first_429 < 1500ms);
    CHECK(r.outcome.rate_limited == 1);
    CHECK(r.took < 2s + load_slack);
}

TEST_CASE("fault: bot walls (403, 418, 999, a Cloudflare challenge) are blocked, never dead", "[fault]") {
    FixtureServer server;
    server.on("alpha.test", "/forbidden", status(403));
    server.on("alpha.test", "/teapot", status(418));
    server.on("alpha.test", "/challenge", status(403, {{"cf-mitigated", "challenge"}}));
    server.on("alpha.test", "/999", status(999));
    server.sequence("alpha.test", "/past-date", {status(503, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}), status(200)});
    server.on("gamma.test", "/forbidden", status(403));
    Config config = test_config(server, {"alpha.test", "gamma.test"});
    config.hosts["gamma.test"].blocked_as = "dead";
    const auto r = run_with_healthy(server, config,
                                    {"http://alpha.test/forbidden", "http://alpha.test/teapot",
                                     "http://alpha.test/challenge", "http://alpha.test/999",
                                     "http://alpha.test/past-date", "http://gamma.test/forbidden"});
    for (const char* url : {"http://alpha.test/forbidden", "http://alpha.test/teapot", "http://alpha.test/999"})
        CHECK(r[url].verdict == Verdict::blocked);
    const CheckResult& wall = r["http://alpha.test/challenge"];
    CHECK(wall.verdict == Verdict::blocked);
    CHECK(wall.error.find("Cloudflare") != std::string::npos);
    CHECK(r["http://alpha.test/past-date"].verdict == Verdict::ok);  // a 503 asking for the past: retried
    CHECK(r["http://gamma.test/forbidden"].verdict == Verdict::dead);  // [hosts] blocked_as says so
    CHECK(r.took < cost_bound(config, 1));
}

TEST_CASE("fault: every host unreachable trips the outage guard; one unreachable host does not", "[fault]") {
    FixtureServer server;
    server.on("*", "*", status(200));
    const std::uint16_t nowhere = closed_port();
    SECTION("every host unreachable") {
        Config config = default_config();
        config.check.progress = "never";
        config.check.max_retries = 0;
        for (const char* h : {"alpha.test", "beta.test", "gamma.test", "delta.test"})
            config.network.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", h, nowhere));
        const Catalog c = list_of({"http://alpha.test/", "http://beta.test/", "http://gamma.test/", "http://delta.test/"});
        const auto start = Clock::now();
        const RunOutcome o = run(c, config);
        CHECK(o.network_unavailable);
        CHECK(o.outage_reason.find("4 of 4 hosts") != std::string::npos);
        CHECK(Clock::now() - start < cost_bound(config, 1));
    }
    SECTION("one host unreachable") {
        Config config = test_config(server, {"alpha.test", "beta.test", "gamma.test"});
        config.check.max_retries = 0;
        config.network.connect_to.push_back(fmt::format("delta.test:80:127.0.0.1:{}", nowhere));
        const auto r = run_with_healthy(server, config,
                                        {"http://alpha.test/", "http://beta.test/", "http://gamma.test/", "http://delta.test/"});
        CHECK_FALSE(r.outcome.network_unavailable);
        CHECK(r["http://delta.test/"].verdict == Verdict::error);
        CHECK(r["http://alpha.test/"].verdict == Verdict::ok);
    }
}
