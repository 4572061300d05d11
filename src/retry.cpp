// Retry-After parsing and exponential backoff with jitter (see retry.h).
#include "retry.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "text_util.h"

namespace ah {

namespace {
// Longer delays are reported as this; callers never wait that long anyway.
constexpr std::time_t max_retry_after_seconds = 999999999;
}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view raw,
                                                      std::chrono::system_clock::time_point now) {
    const std::string_view value = text::trim(raw);
    if (value.empty()) return std::nullopt;
    // delta-seconds; a leading '-' is out of the grammar but servers send it: treat as 0.
    bool digits = true;
    std::size_t start = value.front() == '-' ? 1 : 0;
    for (std::size_t i = start; i < value.size(); ++i) digits = digits && text::is_digit(value[i]);
    if (digits && value.size() > start) {
        if (start == 1) return std::chrono::seconds(0);
        // Clamp absurd numbers instead of overflowing; the caller decides what is too long.
        if (value.size() - start > 9) return std::chrono::seconds(max_retry_after_seconds);
        return std::chrono::seconds(std::stoll(std::string(value)));
    }
    // HTTP-date: IMF-fixdate, obsolete RFC 850 and asctime forms.
    static constexpr const char* formats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                              "%a %b %e %H:%M:%S %Y"};
    const std::string s(value);
    for (const char* format : formats) {
        std::tm tm{};
        const char* end = strptime(s.c_str(), format, &tm);
        if (end == nullptr || *end != '\0') continue;
        const std::time_t when = timegm(&tm);
        if (when == static_cast<std::time_t>(-1)) continue;
        // In whole seconds: from_time_t() of a far year ("... 199 GMT", "... 99999 GMT")
        // overflows the clock's nanoseconds. Dropping `now`'s fraction of a second rounds
        // the wait up, as ceil() of the exact difference did; a past date waits 0.
        const std::time_t now_s = std::chrono::system_clock::to_time_t(now);
        if (when <= now_s) return std::chrono::seconds(0);
        return std::chrono::seconds(std::min<std::time_t>(when - now_s, max_retry_after_seconds));
    }
    return std::nullopt;
}

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, unsigned seed)
    : base_(base), cap_(cap), rng_(seed) {}

std::chrono::milliseconds Backoff::delay(int retry) {
    long long ms = base_.count();
    for (int i = 0; i < retry && ms < cap_.count(); ++i) ms *= 2;
    ms = std::min<long long>(ms, cap_.count());
    std::uniform_int_distribution<long long> jitter(0, ms / 2);
    return std::chrono::milliseconds(ms - ms / 2 + jitter(rng_));
}

}  // namespace ah
