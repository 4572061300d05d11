// Fuzz target: the response header parsers: Retry-After (seconds or HTTP-date, retry.h) and
// the Link header's rel="next" with the origin check behind pagination (github_issue.h).
// The whole input is the header value. A delay is never negative; a next link is what the
// header had between '<' and '>'; an origin is "http(s)://host[:port]" and nothing more.
#include <chrono>

#include "ah/github_issue.h"
#include "retry.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view value = ah::fuzz::as_text(data, size);

    // A fixed "now" (2026-11-27T00:00:00Z) keeps runs reproducible.
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795737600));
    if (const auto delay = ah::parse_retry_after(value, now))
        check(delay->count() >= 0, "retry-after: the delay is never negative", value);

    const std::string next = ah::next_link(value);
    if (!next.empty())
        check(value.find("<" + next + ">") != std::string_view::npos, "link: rel=next is a <...> target of the header",
              next);

    const std::string origin = ah::url_origin(value);
    if (!origin.empty()) {
        const std::string_view rest = origin.starts_with("https://") ? std::string_view(origin).substr(8)
                                      : origin.starts_with("http://") ? std::string_view(origin).substr(7)
                                                                      : std::string_view{};
        check(!rest.empty(), "origin: http(s):// and a host", origin);
        check(rest.find_first_of("/?#@") == std::string_view::npos, "origin: no path, query, fragment or user",
              origin);
        for (const char c : rest) check(!(c >= 'A' && c <= 'Z'), "origin: lower-cased", origin);
    }
    return 0;
}
