// Retry-After parsing (delta-seconds, HTTP-dates, absurd values) and the backoff's bounds.
#include <catch2/catch.hpp>

#include <chrono>

#include "retry.h"

using namespace std::chrono_literals;
using ah::parse_retry_after;

namespace {

// Wed, 21 Oct 2015 07:28:00 GMT, plus half a second.
const auto now = std::chrono::system_clock::from_time_t(1445412480) + 500ms;

}  // namespace

TEST_CASE("Retry-After in seconds: plain, negative, huge, garbage", "[retry]") {
    CHECK(parse_retry_after("120", now) == 120s);
    CHECK(parse_retry_after(" 0 ", now) == 0s);
    CHECK(parse_retry_after("-5", now) == 0s);
    CHECK(parse_retry_after("1000000000000", now) == 999999999s);
    CHECK(parse_retry_after("99999999999999999999999999", now) == 999999999s);
    for (const char* garbage : {"", "soon", "1.5", "0x10", "12abc", "-"}) {
        INFO(garbage);
        CHECK_FALSE(parse_retry_after(garbage, now));
    }
}

TEST_CASE("Retry-After as an HTTP-date: past, near, and far beyond what the clock can hold", "[retry]") {
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 0s);  // half a second ago
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now) == 10s);  // 9.5 s, rounded up
    CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now) == 60s);
    CHECK(parse_retry_after("Wed Oct 21 07:28:01 2015", now) == 1s);
    CHECK(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now) == 0s);
    // Past the year 2262 system_clock's nanoseconds overflow; the wait must still be absurd,
    // never "now".
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == 999999999s);
    CHECK(parse_retry_after("Mon, 01 Jan 2263 00:00:00 GMT", now) == 999999999s);
}

TEST_CASE("backoff doubles, stays within its cap and jitters", "[retry]") {
    ah::Backoff backoff(100ms, 1000ms, 7);
    for (int retry = 0; retry < 10; ++retry) {
        const auto full = std::min(100ms * (1 << retry), 1000ms);
        const auto delay = backoff.delay(retry);
        CHECK(delay >= full / 2);
        CHECK(delay <= full);
    }
}

TEST_CASE("Retry-After: a year before the clock's range neither overflows nor waits", "[retry]") {
    // Found by the http_headers fuzz target: year 199 overflowed the clock's nanoseconds
    // (UBSan: signed integer overflow in from_time_t).
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 199", now) == 0s);
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == 999999999s);
}
