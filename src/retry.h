// Retry timing: Retry-After parsing (delta-seconds or HTTP-date) and capped exponential
// backoff with jitter.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace ah {

// Delay asked for by a Retry-After value (RFC 9110 10.2.3), relative to `now`.
// Negative or past values give 0; unparsable ones give nullopt (callers use backoff).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// Backoff before retry number `retry` (0-based): base * 2^retry capped at `cap`, with
// "equal jitter" (half fixed, half random) so many clients do not retry in step.
class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, unsigned seed);
    std::chrono::milliseconds delay(int retry);

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    std::mt19937 rng_;
};

}  // namespace ah
