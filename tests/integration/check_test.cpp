// The checking engine end to end against the loopback fixture server: verdicts of well-behaved
// sites, redirects, politeness measured by the server itself, filters and check order.
// Misbehaving servers are in fault_test.cpp. The tool reaches the server only through its own
// configuration (network.connect_to, network.ca_bundle, remap), as a user would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "ah/check_run.h"
#include "support/check_support.h"
#include "support/fixture_server.h"

using namespace ah;
using namespace ah::testing;
using namespace std::chrono_literals;

TEST_CASE("check: ok, dead and the HEAD-then-GET fallback", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/ok", status(200));
    server.on("alpha.test", "/gone", status(404));
    server.on("alpha.test", "/head-refused", status(405), "HEAD");
    server.on("alpha.test", "/head-refused", status(200), "GET");
    server.on("alpha.test", "/410", status(410));
    server.on("alpha.test", "/head-503", status(503), "HEAD");
    server.on("alpha.test", "/head-503", status(200), "GET");
    const Catalog c = list_of({"http://alpha.test/ok", "http://alpha.test/gone", "http://alpha.test/head-refused",
                               "https://alpha.test/ok", "http://alpha.test/410", "http://alpha.test/head-503"});
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
    // A server answering 503 to every HEAD: the retry asks with GET, once.
    const CheckResult& head_503 = result_for(c, o, "http://alpha.test/head-503");
    CHECK(head_503.verdict == Verdict::ok);
    CHECK(head_503.method == "GET");
    CHECK(head_503.retries == 1);
    CHECK(server.hits("alpha.test", "/head-503", "HEAD") == 1);
    CHECK(server.hits("alpha.test", "/head-503", "GET") == 1);
    CHECK_FALSE(o.network_unavailable);
}

TEST_CASE("check: redirects are followed by us and recorded", "[check]") {
    FixtureServer server;
    server.on("alpha.test", "/old", status(301, {{"Location", "http://alpha.test/middle"}}));
    server.on("alpha.test", "/middle", status(308, {{"Location", "https://beta.test/new"}}));
    server.on("beta.test", "/new", status(200));
    server.on("alpha.test", "/temp", status(302, {{"Location", "/ok"}}));
    server.on("alpha.test", "/ok", status(200));
    const Catalog c = list_of({"http://alpha.test/old", "http://alpha.test/temp"});
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
    // /ok was reached by one redirect and is not listed itself: one HEAD in all.
    CHECK(server.hits("alpha.test", "/ok", "HEAD") == 1);
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
    CHECK(o.remapped_by[0] == "^https://old\\.example\\.org/(.*)$");
    CHECK(result_for(c, o, "http://alpha.test/skip-me").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "mailto:a@example.org").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "http://127.0.0.1:9/").verdict == Verdict::skipped);
    CHECK(result_for(c, o, "docs/readme.md").verdict == Verdict::skipped);
    CHECK(server.hits("alpha.test", "/skip-me") == 0);
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
