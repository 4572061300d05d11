// HTTP value types shared by the engine and its callers: request, response, engine options.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ah {

enum class HttpMethod { head, get, post, patch, put, delete_ };

// Header name/value pairs in the order they were sent or received.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t default_body_cap = 64 * 1024;
inline constexpr std::chrono::milliseconds default_request_timeout{30000};
inline constexpr std::chrono::milliseconds default_connect_timeout{10000};
// Response headers larger than this abort the transfer with TransportError::too_large_headers.
inline constexpr std::size_t max_response_header_bytes = 256 * 1024;

struct HttpRequest {
    HttpMethod method = HttpMethod::get;
    std::string url;
    HeaderList headers;                       // extra request headers
    std::string body;                         // for post/patch/put
    std::size_t body_cap = default_body_cap;  // body bytes kept; past it the transfer is stopped
                                              // and body_truncated is set (NOT an error)
    std::chrono::milliseconds timeout = default_request_timeout;  // whole transfer
    std::chrono::milliseconds connect_timeout = default_connect_timeout;
};

// Why a transfer failed below HTTP; an HTTP error status is not a TransportError.
enum class TransportError {
    none,
    dns,
    connect,
    tls,
    timeout,
    protocol,  // garbage status line, bad headers, HTTP/2 framing, bad content encoding
    too_large_headers,
    send,
    receive,  // reset mid-body, empty reply, short body
    url,      // curl cannot parse the URL
    other,
};

struct HttpResponse {
    long status = 0;     // 0 when there was no HTTP response
    HeaderList headers;  // of the final response, names lower-cased
    std::string body;
    bool body_truncated = false;  // the body was longer than HttpRequest::body_cap
    std::string redirect_url;     // where a 3xx points; the engine never follows redirects
    std::string effective_url;
    std::string primary_ip;
    long http_version = 0;  // 1, 2, 3; 0 when there was no HTTP response
    TransportError error = TransportError::none;
    int curl_code = 0;          // CURLcode; 0 also when the body cap stopped the transfer
    std::string error_message;  // curl's error buffer text
    std::chrono::milliseconds elapsed{0};

    // Value of the last header with this name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const;
};

struct EngineOptions {
    std::string user_agent = "awesome-health/" AH_VERSION " (+https://github.com/awesome-health)";
    std::string proxy;      // empty: libcurl honours the *_proxy environment variables
    std::string ca_bundle;  // empty: system default
    bool verify_tls = true;
    std::vector<std::string> connect_to;  // CURLOPT_CONNECT_TO entries
    std::vector<std::string> resolve;     // CURLOPT_RESOLVE entries ("host:port:addr")
    long max_connections = 128;           // CURLMOPT_MAX_TOTAL_CONNECTIONS
    long max_host_connections = 8;        // CURLMOPT_MAX_HOST_CONNECTIONS
    bool http2 = true;                    // HTTP/2 over TLS, multiplexed
};

std::string_view to_string(HttpMethod method);
std::string_view to_string(TransportError error);

}  // namespace ah
