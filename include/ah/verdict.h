// A link's state after all retries (DESIGN.md "Verdicts") and the evidence behind it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ah/http.h"

namespace ah {

enum class Verdict { ok, moved, dead, error, blocked, malformed, skipped };

std::string_view to_string(Verdict verdict);

struct RedirectHop {
    std::string url;  // the URL that answered with a redirect
    long status = 0;  // 301, 302, ...
};

struct CheckResult {
    std::string url;         // what was requested first (after remap rules)
    Verdict verdict = Verdict::error;
    long http_status = 0;    // of the deciding response; 0 when there was none
    std::string final_url;   // where redirects ended
    std::vector<RedirectHop> redirects;
    int attempts = 0;        // requests sent for this target (all methods, retries included)
    int retries = 0;
    int rate_limited = 0;    // 429/503 answers received
    std::string method;      // of the deciding request: "HEAD", "GET"
    TransportError transport = TransportError::none;
    std::string error;       // what went wrong, for people; empty when ok
    std::chrono::milliseconds elapsed{0};
    std::string checked_by = "http";
};

// True when the failure says nothing about the link, only about reaching its host:
// what the network-outage guard counts.
bool is_connection_failure(const CheckResult& result);

}  // namespace ah
