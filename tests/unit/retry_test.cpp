// Retry-After parsing (delta-seconds and the three HTTP-date forms) and the backoff bounds.
#include <catch2/catch.hpp>

#include "retry.h"

using namespace ah;
using std::chrono::seconds;

namespace {

// 2026-11-27T00:00:00Z and a quarter second.
const auto now = std::chrono::system_clock::time_point(seconds(1795737600)) + std::chrono::milliseconds(250);

}  // namespace

TEST_CASE("Retry-After: delta-seconds, dates, garbage", "[retry]") {
    CHECK(parse_retry_after("120", now) == seconds(120));
    CHECK(parse_retry_after(" 0 ", now) == seconds(0));
    CHECK(parse_retry_after("-5", now) == seconds(0));
    CHECK(parse_retry_after("12345678901234567890", now) == seconds(999999999));
    // Half past the quarter second: the wait rounds up to whole seconds.
    CHECK(parse_retry_after("Fri, 27 Nov 2026 00:02:00 GMT", now) == seconds(120));
    CHECK(parse_retry_after("Friday, 27-Nov-26 00:02:00 GMT", now) == seconds(120));
    CHECK(parse_retry_after("Fri Nov 27 00:02:00 2026", now) == seconds(120));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == seconds(0));
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
    CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("Retry-After: dates far from now neither overflow nor go negative", "[retry]") {
    // Found by the http_headers fuzz target: year 199 overflowed the clock's nanoseconds
    // (UBSan: signed integer overflow in from_time_t); so does any year after 2262.
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 199", now) == seconds(0));
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == seconds(999999999));
}

TEST_CASE("Backoff doubles up to the cap, with at most half of it random", "[retry]") {
    Backoff backoff(std::chrono::milliseconds(500), std::chrono::milliseconds(4000), 7);
    for (int retry = 0; retry < 8; ++retry) {
        const auto full = std::min<long long>(500LL << std::min(retry, 20), 4000);
        const auto d = backoff.delay(retry).count();
        CHECK(d >= full - full / 2);
        CHECK(d <= full);
    }
}
