// Value types a test uses to script the fixture server: replies, faults, limits, recorded requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ah::testing {

// Misbehaviours a reply can ask for; README.md lists what a client sees for each.
enum class Fault {
    none,
    close_immediately,    // accept, read the request, close without answering
    never_answer,         // read the request, then hold the connection silent until server stop
    stall_after_headers,  // send status+headers (with a Content-Length), then hold silent
    trickle_body,         // send headers, then the body one byte per trickle_interval
    reset_mid_body,       // send headers and half of the body, then RST (SO_LINGER 0 + close)
    garbage_status_line,  // answer "HTTP/1.1 abc garbage\r\n\r\n" style junk
    endless_header,       // keep sending header lines forever (bounded by server stop)
    trickle_headers,      // send status line and headers one byte per trickle_interval, then the body
};

// What the HTTPS port of FixtureServer::tls_fault_port() does instead of a TLS handshake.
enum class TlsFault {
    plain_http,          // answers the ClientHello with a plain-HTTP 400, as a misconfigured port does
    close_in_handshake,  // reads the ClientHello, then closes
    stall_in_handshake,  // reads the ClientHello, then stays silent until the client gives up
    tls_1_0_only,        // a real handshake, but only TLS 1.0 (refused by today's clients)
};

// A body streamed as prefix + unit x repeat + suffix and never held whole: a gzip bomb is
// the gzip header, one deflate block of zeros repeated, and the trailer.
struct RepeatedBody {
    std::string prefix;
    std::string unit;
    std::uint64_t repeat = 0;
    std::string suffix;

    std::uint64_t size() const { return prefix.size() + unit.size() * repeat + suffix.size(); }
};

// Body size the body faults (stall, trickle, reset) announce when a reply has no body, so the
// client always has something left to wait for.
inline constexpr std::uint64_t fault_placeholder_body_bytes = 1024;

struct Reply {
    int status = 200;
    // Sent verbatim and in order. Content-Length is added unless given here; a Content-Length or
    // Transfer-Encoding given here is sent as is and not checked, so tests can lie about framing.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // If > 0: stream this many filler bytes in chunks instead of `body`, never buffering it all.
    std::uint64_t generated_body_bytes = 0;
    // If set (and generated_body_bytes is 0): stream this instead of `body`, never buffering it
    // all. Shared: replies are copied per request.
    std::shared_ptr<const RepeatedBody> repeated_body{};
    std::chrono::milliseconds delay{0};  // waited asynchronously; other connections proceed
    Fault fault = Fault::none;
    std::chrono::milliseconds trickle_interval{1000};
};

struct RecordedRequest {
    std::string method, target, host;  // host without port, lower-cased; target incl. query
    std::string path;                  // target without the query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool tls = false;
    std::chrono::steady_clock::time_point at;  // when the request was fully read

    std::string header(std::string_view name) const;  // case-insensitive, "" if absent
};

// Runs on the server's I/O thread: keep it quick and use Reply::delay to wait.
// An exception thrown here becomes a 500 reply carrying what().
using Handler = std::function<Reply(const RecordedRequest&)>;

struct HostLimits {
    int max_concurrent = 0;     // 0 = unlimited; beyond it answer 429 with Retry-After
    double max_per_second = 0;  // 0 = unlimited; token bucket with a burst of max(1, rate)
    int retry_after_seconds = 1;
};

}  // namespace ah::testing
