// HttpEngine: turns HttpRequest values into configured curl easy handles and finished
// transfers back into HttpResponse values. The event loop itself lives in MultiLoop.
#include "net/http_engine.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <new>
#include <string_view>
#include <utility>

namespace ah::net {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct HttpEngine::Transfer {
    CurlEasy easy;
    CurlSlist request_headers;
    HttpRequest request;  // owns the body curl reads through CURLOPT_POSTFIELDS
    DoneCallback done;
    HttpResponse response;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    std::size_t header_bytes = 0;
    bool header_limit_hit = false;
    Clock::time_point started = Clock::now();
};

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

// CURLOPT_WRITEFUNCTION: keep up to body_cap bytes. Returning fewer bytes than offered
// makes curl stop the transfer with CURLE_WRITE_ERROR, which finish() reads as "capped".
template <typename Transfer>
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string& body = transfer.response.body;
    const std::size_t room =
        transfer.request.body_cap - std::min(body.size(), transfer.request.body_cap);
    if (bytes <= room) {
        body.append(data, bytes);
        return bytes;
    }
    body.append(data, room);
    transfer.response.body_truncated = true;
    return room;
}

// CURLOPT_HEADERFUNCTION: collect the headers of the final response (a new status line
// starts over, so 1xx interim responses are forgotten) and guard against huge headers.
template <typename Transfer>
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    transfer.header_bytes += bytes;
    if (transfer.header_bytes > max_response_header_bytes) {
        transfer.header_limit_hit = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    std::string_view line(data, bytes);
    if (line.substr(0, 5) == "HTTP/") {
        transfer.response.headers.clear();
        return bytes;
    }
    auto& headers = transfer.response.headers;
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        // Obsolete line folding (RFC 9112 §5.2): continues the previous value.
        if (!headers.empty()) {
            auto more = trim(line);
            if (!more.empty()) {
                headers.back().second += ' ';
                headers.back().second += more;
            }
        }
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bytes;  // blank line or junk
    headers.emplace_back(lower(trim(line.substr(0, colon))),
                         std::string(trim(line.substr(colon + 1))));
    return bytes;
}

long major_http_version(long curl_version) {
    switch (curl_version) {
        case CURL_HTTP_VERSION_1_0:
        case CURL_HTTP_VERSION_1_1:
            return 1;
        case CURL_HTTP_VERSION_2_0:
            return 2;
        case CURL_HTTP_VERSION_3:
            return 3;
        default:
            return 0;
    }
}

std::string info_string(CURL* easy, CURLINFO what) {
    char* value = nullptr;
    if (curl_easy_getinfo(easy, what, &value) == CURLE_OK && value != nullptr) return value;
    return {};
}

bool has_header(const HeaderList& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& header) { return lower(header.first) == lower(name); });
}

}  // namespace

TransportError transport_error_of(CURLcode code) {
    switch (code) {
        case CURLE_OK:
            return TransportError::none;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError::dns;
        case CURLE_COULDNT_CONNECT:
            return TransportError::connect;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CLIENTCERT:
        case CURLE_USE_SSL_FAILED:
            return TransportError::tls;
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError::timeout;
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_UNSUPPORTED_PROTOCOL:  // also HTTP/0.9 replies, which curl refuses
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_HTTP3:
        case CURLE_BAD_CONTENT_ENCODING:
            return TransportError::protocol;
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_GOT_NOTHING:
            return TransportError::receive;
        case CURLE_SEND_ERROR:
            return TransportError::send;
        case CURLE_URL_MALFORMAT:
            return TransportError::url;
        default:
            return TransportError::other;
    }
}

HttpEngine::HttpEngine(asio::io_context& io, EngineOptions options)
    : io_(io),
      options_(std::move(options)),
      connect_to_(make_slist(options_.connect_to)),
      resolve_(make_slist(options_.resolve)),
      loop_(io, [this](CURL* easy, CURLcode result) { finish(easy, result); }) {
    CURLM* multi = loop_.multi();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_connections);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_host_connections);
    curl_multi_setopt(multi, CURLMOPT_PIPELINING,
                      options_.http2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
}

HttpEngine::~HttpEngine() {
    *alive_ = false;  // queued completions now find a dead engine and drop their callbacks
    for (auto& [raw, transfer] : transfers_) loop_.remove(transfer->easy.get());
    transfers_.clear();  // curl_easy_cleanup, after removal as curl requires
    // loop_ is destroyed next (last declared): curl_multi_cleanup, then its socket watches.
}

CURLcode HttpEngine::configure(Transfer& transfer) const {
    CURL* easy = transfer.easy.get();
    const HttpRequest& request = transfer.request;
    CURLcode failed = CURLE_OK;
    auto set = [&](CURLoption option, auto value) {
        CURLcode code = curl_easy_setopt(easy, option, value);
        if (code != CURLE_OK && failed == CURLE_OK) failed = code;
    };

    set(CURLOPT_PRIVATE, static_cast<void*>(&transfer));
    set(CURLOPT_ERRORBUFFER, transfer.error_buffer.data());
    set(CURLOPT_URL, request.url.c_str());
    set(CURLOPT_WRITEFUNCTION, &on_body<Transfer>);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
    set(CURLOPT_HEADERFUNCTION, &on_header<Transfer>);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));

    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_FOLLOWLOCATION, 0L);  // the caller follows redirects (and counts hops)
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    set(CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl can decode
    set(CURLOPT_TCP_KEEPALIVE, 1L);
    set(CURLOPT_USERAGENT, options_.user_agent.c_str());
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    set(CURLOPT_HTTP_VERSION, options_.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    if (!options_.proxy.empty()) set(CURLOPT_PROXY, options_.proxy.c_str());
    if (!options_.ca_bundle.empty()) set(CURLOPT_CAINFO, options_.ca_bundle.c_str());
    set(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (connect_to_) set(CURLOPT_CONNECT_TO, connect_to_.get());
    if (resolve_) set(CURLOPT_RESOLVE, resolve_.get());

    auto send_body = [&] {
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        set(CURLOPT_POSTFIELDS, request.body.c_str());  // not copied: the Transfer owns it
    };
    switch (request.method) {
        case HttpMethod::head:
            set(CURLOPT_NOBODY, 1L);
            break;
        case HttpMethod::get:
            set(CURLOPT_HTTPGET, 1L);
            break;
        case HttpMethod::post:
            send_body();
            break;
        case HttpMethod::patch:
            send_body();
            set(CURLOPT_CUSTOMREQUEST, "PATCH");
            break;
        case HttpMethod::put:
            send_body();
            set(CURLOPT_CUSTOMREQUEST, "PUT");
            break;
        case HttpMethod::delete_:
            if (!request.body.empty()) send_body();
            set(CURLOPT_CUSTOMREQUEST, "DELETE");
            break;
    }

    std::vector<std::string> lines;
    for (const auto& [name, value] : request.headers) {
        // "Name;" is curl's spelling of a header with an empty value ("Name:" deletes it).
        lines.push_back(value.empty() ? name + ";" : name + ": " + value);
    }
    // curl sends "Expect: 100-continue" for larger bodies and then waits up to a second
    // for servers that never answer it; ask for nothing unless the caller wants it.
    if (!has_header(request.headers, "expect")) lines.emplace_back("Expect:");
    transfer.request_headers = make_slist(lines);
    set(CURLOPT_HTTPHEADER, transfer.request_headers.get());
    return failed;
}

void HttpEngine::start(HttpRequest request, DoneCallback done) {
    ++in_flight_;
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    transfer->done = std::move(done);

    auto fail = [&](TransportError error, int code, std::string message) {
        HttpResponse response;
        response.error = error;
        response.curl_code = code;
        response.error_message = std::move(message);
        response.effective_url = transfer->request.url;
        deliver(std::move(transfer->done), std::move(response));
    };

    transfer->easy.reset(curl_easy_init());
    if (!transfer->easy)
        return fail(TransportError::other, CURLE_FAILED_INIT, "curl_easy_init failed");
    CURLcode configured = CURLE_OK;
    try {
        configured = configure(*transfer);
    } catch (const std::bad_alloc&) {
        configured = CURLE_OUT_OF_MEMORY;
    }
    if (configured != CURLE_OK) {
        return fail(transport_error_of(configured), configured, curl_easy_strerror(configured));
    }
    if (CURLMcode added = loop_.add(transfer->easy.get()); added != CURLM_OK) {
        return fail(TransportError::other, CURLE_FAILED_INIT, curl_multi_strerror(added));
    }
    Transfer* key = transfer.get();
    transfers_.emplace(key, std::move(transfer));
}

void HttpEngine::finish(CURL* easy, CURLcode result) {
    char* private_data = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
    auto found = transfers_.find(reinterpret_cast<Transfer*>(private_data));
    if (found == transfers_.end()) return;  // not ours; cannot happen
    std::unique_ptr<Transfer> transfer = std::move(found->second);
    transfers_.erase(found);

    HttpResponse response = std::move(transfer->response);
    response.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - transfer->started);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    long version = 0;
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    response.http_version = response.status != 0 ? major_http_version(version) : 0;
    response.redirect_url = info_string(easy, CURLINFO_REDIRECT_URL);
    response.effective_url = info_string(easy, CURLINFO_EFFECTIVE_URL);
    response.primary_ip = info_string(easy, CURLINFO_PRIMARY_IP);

    if (result == CURLE_WRITE_ERROR && transfer->header_limit_hit) {
        response.error = TransportError::too_large_headers;
        response.curl_code = result;
        response.error_message =
            "response headers exceed " + std::to_string(max_response_header_bytes) + " bytes";
    } else if (result == CURLE_WRITE_ERROR && response.body_truncated) {
        // Our own cap stopped the transfer: a complete answer as far as callers go.
        response.error = TransportError::none;
        response.curl_code = CURLE_OK;
    } else {
        response.error = transport_error_of(result);
        response.curl_code = result;
        if (result != CURLE_OK) {
            response.error_message = transfer->error_buffer[0] != '\0'
                                         ? std::string(transfer->error_buffer.data())
                                         : std::string(curl_easy_strerror(result));
        }
    }

    loop_.remove(easy);
    DoneCallback done = std::move(transfer->done);
    transfer.reset();  // curl_easy_cleanup
    deliver(std::move(done), std::move(response));
}

void HttpEngine::deliver(DoneCallback done, HttpResponse response) {
    // Always posted: the callback may start new requests, and it must never run inline
    // from start() or from inside the loop's drain of finished transfers.
    asio::post(io_, [this, alive = alive_, done = std::move(done),
                     response = std::move(response)]() mutable {
        if (!*alive) return;
        --in_flight_;
        if (done) done(std::move(response));  // `this` may be gone after this call
    });
}

}  // namespace ah::net
