// The fixture server's network side: Asio coroutines per connection, one I/O thread, faults.
//
// Responses are written as raw bytes instead of through Beast's serializer: faults need byte
// level control (half bodies, junk status lines, headers that never end) and Reply headers
// must go out verbatim, even when they contradict the body. Beast only parses requests.
// Extra ports play TLS handshake faults, one port per TlsFault.
#include "support/fixture_server.h"
#include "support/close_on_exec.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "support/fixture_registry.h"
#include "support/test_certs.h"

namespace ah::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Curl refuses more than 100 KiB of response headers; batches get there in well under a
// second while still yielding the thread between batches.
constexpr int endless_header_lines_per_batch = 256;
constexpr auto endless_header_pause = 10ms;
// SO_LINGER 0 discards whatever still sits in our send queue; a short pause lets loopback
// deliver the half body first, so the client sees data and then the reset.
constexpr auto reset_flush_pause = 20ms;
// Waiting for the peer's close_notify must not keep a finished connection around.
constexpr auto tls_shutdown_grace = 500ms;
constexpr std::uint32_t request_header_limit = 64 * 1024;
constexpr std::uint64_t request_body_limit = 64 * 1024 * 1024;
constexpr std::size_t filler_line_bytes = 64;
constexpr std::size_t filler_chunk_bytes = 64 * 1024;  // a multiple of the line length
constexpr std::array all_tls_faults = {TlsFault::plain_http, TlsFault::close_in_handshake,
                                       TlsFault::stall_in_handshake, TlsFault::tls_1_0_only};

// Generated bodies repeat this chunk; byte i of any generated body is filler()[i % size].
const std::string& filler() {
    static const std::string chunk = [] {
        std::string line(filler_line_bytes - 1, 'x');
        line += '\n';
        std::string text;
        while (text.size() < filler_chunk_bytes) text += line;
        return text;
    }();
    return chunk;
}

// The bytes of a reply's body in pieces that can each be written from one buffer, so that
// generated and repeated bodies are never built whole.
class BodyBytes {
public:
    explicit BodyBytes(const Reply& reply) : reply_(reply) {
        if (reply.generated_body_bytes > 0 || !reply.repeated_body) return;
        // Whole units in one write buffer of about the filler's size.
        const std::string& unit = reply.repeated_body->unit;
        if (unit.empty()) return;
        const std::size_t copies = std::max<std::size_t>(1, filler_chunk_bytes / unit.size());
        batch_.reserve(copies * unit.size());
        for (std::size_t i = 0; i < copies; ++i) batch_ += unit;
    }

    std::uint64_t size() const {
        if (reply_.generated_body_bytes > 0) return reply_.generated_body_bytes;
        if (reply_.repeated_body) return reply_.repeated_body->size();
        return reply_.body.size();
    }

    // The bytes from `at` on that sit in one buffer, cut at `to` (at < to <= size()).
    std::string_view piece(std::uint64_t at, std::uint64_t to) const {
        const auto from_text = [&](std::string_view text, std::uint64_t offset, std::uint64_t end) {
            const std::uint64_t count = std::min({to - at, end - offset, text.size() - offset});
            return text.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(count));
        };
        if (reply_.generated_body_bytes > 0) {
            return from_text(filler(), at % filler().size(), filler().size());
        }
        if (!reply_.repeated_body) return from_text(reply_.body, at, reply_.body.size());
        const RepeatedBody& body = *reply_.repeated_body;
        if (at < body.prefix.size()) return from_text(body.prefix, at, body.prefix.size());
        const std::uint64_t in_units = at - body.prefix.size();
        const std::uint64_t units_bytes = body.unit.size() * body.repeat;
        if (in_units < units_bytes) {
            const std::uint64_t offset = in_units % batch_.size();
            return from_text(batch_, offset, offset + (units_bytes - in_units));
        }
        return from_text(body.suffix, in_units - units_bytes, body.suffix.size());
    }

private:
    const Reply& reply_;
    std::string batch_;
};

// Counts the bytes written for one host (FixtureServer::bytes_sent); a default one counts nothing.
// Pass named objects to coroutines, never temporaries: g++ 12 mishandles a temporary with a
// destructor bound to a coroutine's reference parameter in a co_await expression (it crashed
// in free() from this destructor).
struct SentBytes {
    FixtureRegistry* registry = nullptr;
    std::string host;

    void operator()(std::size_t bytes) const {
        if (registry != nullptr) registry->count_sent(host, bytes);
    }
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "Alpha.test:8080" -> "alpha.test"; "[::1]:80" -> "[::1]".
std::string host_without_port(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        const auto end = host.find(']');
        return lower(end == std::string_view::npos ? host : host.substr(0, end + 1));
    }
    return lower(host.substr(0, host.find(':')));
}

bool has_header(const Reply& reply, std::string_view name) {
    return std::any_of(reply.headers.begin(), reply.headers.end(),
                       [&](const auto& h) { return boost::algorithm::iequals(h.first, name); });
}

bool asks_to_close(const Reply& reply) {
    return std::any_of(reply.headers.begin(), reply.headers.end(), [](const auto& h) {
        return boost::algorithm::iequals(h.first, "connection") &&
               boost::algorithm::icontains(h.second, "close");
    });
}

// RFC 9110 6.4.1: these statuses never carry content, whatever the method.
bool status_allows_body(int status) { return status >= 200 && status != 204 && status != 304; }

std::string status_line(int status) {
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    return "HTTP/1.1 " + std::to_string(status) + " " +
           (reason == "<unknown-status>" ? std::string("Unknown") : std::string(reason)) + "\r\n";
}

std::string head_text(const Reply& reply, std::uint64_t body_bytes, bool close) {
    std::string text = status_line(reply.status);
    for (const auto& [name, value] : reply.headers) text += name + ": " + value + "\r\n";
    const bool framed = has_header(reply, "content-length") ||
                        has_header(reply, "transfer-encoding");
    if (!framed && status_allows_body(reply.status)) {
        text += "Content-Length: " + std::to_string(body_bytes) + "\r\n";
    }
    if (close && !has_header(reply, "connection")) text += "Connection: close\r\n";
    return text + "\r\n";
}

RecordedRequest record(const http::request<http::string_body>& message, bool tls) {
    RecordedRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.path = request.target.substr(0, request.target.find('?'));
    const beast::string_view host = message[http::field::host];  // boost::string_view in 1.74
    request.host = host_without_port(std::string_view(host.data(), host.size()));
    for (const auto& field : message) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = message.body();
    request.tls = tls;
    request.at = std::chrono::steady_clock::now();
    return request;
}

Reply run_handler(const Handler& handler, const RecordedRequest& request) {
    try {
        return handler(request);
    } catch (const std::exception& error) {
        Reply reply;
        reply.status = 500;
        reply.headers = {{"Content-Type", "text/plain"}};
        reply.body = std::string("fixture server: handler threw: ") + error.what() + "\n";
        return reply;
    }
}

template <class Stream>
tcp::socket& raw_socket(Stream& stream) {
    return beast::get_lowest_layer(stream).socket();
}

awaitable<void> pause(std::chrono::milliseconds duration) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(duration);
    co_await timer.async_wait(use_awaitable);
}

// Takes the text by value: the coroutine frame must own what it writes across suspension.
template <class Stream>
awaitable<void> write_text(Stream& stream, std::string text, const SentBytes& sent) {
    co_await asio::async_write(stream, asio::buffer(text), use_awaitable);
    sent(text.size());
}

// Writes `head` and then bytes [from, to) of the reply's body, piece by piece.
// The slot is released just before the last write: once a client holds the whole response it
// may send its next request at once, and that one must not find the previous request still
// counted in flight (a spurious 429 or an inflated peak_concurrency).
template <class Stream>
awaitable<void> write_response(Stream& stream, std::string head, const BodyBytes& body,
                               std::uint64_t from, std::uint64_t to, InFlightSlot& slot,
                               const SentBytes& sent) {
    // One buffer per write: with Boost 1.74, a two-buffer async_write through beast::ssl_stream
    // stalled for good once the second buffer exceeded 16 KiB (its flat_stream layer).
    if (from == to) slot.release();
    if (!head.empty()) co_await write_text(stream, std::move(head), sent);
    for (std::uint64_t at = from; at < to;) {
        const std::string_view piece = body.piece(at, to);
        if (at + piece.size() == to) slot.release();
        co_await asio::async_write(stream, asio::buffer(piece.data(), piece.size()),
                                   use_awaitable);
        sent(piece.size());
        at += piece.size();
    }
}

// Reads and drops whatever the client sends until it closes or the server stops: the
// connection stays open and silent, and a client giving up still frees its in-flight slot.
template <class Stream>
awaitable<void> hold_silent(Stream& stream) {
    std::array<char, 4096> scratch;
    for (;;) co_await stream.async_read_some(asio::buffer(scratch), use_awaitable);
}

void reset_connection(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

awaitable<void> close_connection(beast::tcp_stream& stream) {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
    co_return;
}

// Sends close_notify so clients see a clean end rather than an "unexpected EOF".
awaitable<void> close_connection(TlsStream& stream) {
    if (!raw_socket(stream).is_open()) co_return;
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).expires_after(tls_shutdown_grace);
    co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ignored));
    raw_socket(stream).close(ignored);
}

// Sends the reply, faults included. Returns whether the connection may carry another request.
// Faults that hold the connection keep the slot until the connection ends.
template <class Stream>
awaitable<bool> answer(Stream& stream, const Reply& reply, bool head_request, bool keep_alive,
                       InFlightSlot& slot, const SentBytes& sent) {
    InFlightSlot no_slot;
    if (reply.delay.count() > 0) co_await pause(reply.delay);
    const bool close = !keep_alive || asks_to_close(reply);
    const bool send_body = !head_request && status_allows_body(reply.status);
    const BodyBytes body(reply);
    std::uint64_t body_bytes = body.size();

    switch (reply.fault) {
    case Fault::none:
        co_await write_response(stream, head_text(reply, body_bytes, close), body, 0,
                                send_body ? body_bytes : 0, slot, sent);
        co_return !close;
    case Fault::close_immediately:
        slot.release();
        co_return false;
    case Fault::never_answer:
        co_await hold_silent(stream);
        co_return false;
    case Fault::stall_after_headers:
        if (body_bytes == 0) body_bytes = fault_placeholder_body_bytes;
        co_await write_text(stream, head_text(reply, body_bytes, close), sent);
        co_await hold_silent(stream);
        co_return false;
    case Fault::trickle_body: {
        if (!send_body) body_bytes = 0;
        co_await write_response(stream, head_text(reply, body_bytes, close), body, 0, 0,
                                body_bytes == 0 ? slot : no_slot, sent);
        for (std::uint64_t at = 0; at < body_bytes; ++at) {
            co_await pause(reply.trickle_interval);
            co_await write_response(stream, "", body, at, at + 1,
                                    at + 1 == body_bytes ? slot : no_slot, sent);
        }
        co_return !close;
    }
    case Fault::trickle_headers: {
        if (!send_body) body_bytes = 0;
        const std::string head = head_text(reply, body_bytes, close);
        for (std::size_t at = 0; at < head.size(); ++at) {
            if (at > 0) co_await pause(reply.trickle_interval);
            co_await write_text(stream, head.substr(at, 1), sent);
        }
        co_await write_response(stream, "", body, 0, body_bytes, slot, sent);
        co_return !close;
    }
    case Fault::reset_mid_body:
        if (body_bytes == 0) body_bytes = fault_placeholder_body_bytes;
        co_await write_response(stream, head_text(reply, body_bytes, close), body, 0,
                                send_body ? std::min(body_bytes / 2, body.size()) : 0, no_slot,
                                sent);
        co_await pause(reset_flush_pause);
        slot.release();
        reset_connection(raw_socket(stream));
        co_return false;
    case Fault::garbage_status_line:
        slot.release();
        co_await write_text(stream, "HTTP/1.1 abc garbage\r\n\r\n", sent);
        co_return false;
    case Fault::endless_header:
        co_await write_text(stream, status_line(reply.status), sent);
        for (std::uint64_t line = 0;;) {
            std::string batch;
            for (int i = 0; i < endless_header_lines_per_batch; ++i, ++line) {
                batch += "X-Endless-" + std::to_string(line) + ": " + filler().substr(0, 40) + "\r\n";
            }
            co_await write_text(stream, std::move(batch), sent);
            co_await pause(endless_header_pause);
        }
    }
    co_return false;
}

template <class Stream>
awaitable<void> serve_requests(Stream& stream, FixtureRegistry& registry, bool tls) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(request_header_limit);
        parser.body_limit(request_body_limit);
        co_await http::async_read_header(stream, buffer, parser, use_awaitable);
        // Curl waits up to a second for "100 Continue" before sending a large body.
        if (boost::algorithm::iequals(parser.get()[http::field::expect], "100-continue")) {
            const SentBytes uncounted;
            co_await write_text(stream, "HTTP/1.1 100 Continue\r\n\r\n", uncounted);
        }
        if (!parser.is_done()) co_await http::async_read(stream, buffer, parser, use_awaitable);

        const RecordedRequest request = record(parser.get(), tls);
        Admission admission = registry.admit(request);
        const Reply reply = admission.immediate ? std::move(*admission.immediate)
                                                : run_handler(admission.handler, request);
        const SentBytes sent{&registry, request.host};
        const bool reuse =
            co_await answer(stream, reply, request.method == "HEAD", parser.get().keep_alive(),
                            admission.slot, sent);
        if (!reuse) {
            co_await close_connection(stream);
            co_return;
        }
    }
}

awaitable<void> serve_plain(tcp::socket socket, FixtureRegistry& registry) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream, registry, false);
}

awaitable<void> serve_tls(tcp::socket socket, FixtureRegistry& registry, ssl::context& context) {
    TlsStream stream(std::move(socket), context);
    co_await stream.async_handshake(ssl::stream_base::server, use_awaitable);
    co_await serve_requests(stream, registry, true);
}

// A TLS port gone wrong before any request: what the client's handshake runs into.
// `legacy` is the TLS 1.0-only context.
awaitable<void> serve_tls_fault(tcp::socket socket, TlsFault fault, FixtureRegistry& registry,
                                ssl::context& legacy) {
    if (fault == TlsFault::tls_1_0_only) {
        co_await serve_tls(std::move(socket), registry, legacy);
        co_return;
    }
    const SentBytes uncounted;
    std::array<char, 4096> client_hello;
    co_await socket.async_read_some(asio::buffer(client_hello), use_awaitable);
    switch (fault) {
    case TlsFault::plain_http:
        co_await write_text(socket,
                            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 45\r\nConnection: close\r\n\r\n"
                            "This port speaks plain HTTP, not TLS, sorry.\n",
                            uncounted);
        break;
    case TlsFault::stall_in_handshake:
        co_await hold_silent(socket);
        break;
    case TlsFault::close_in_handshake:
    case TlsFault::tls_1_0_only:
        break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

// Connections end with system errors all the time (client gave up, reset, server stopping);
// those are the point of a fault server, not news. Anything else is a bug worth printing.
void report_unexpected(std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const boost::system::system_error&) {
    } catch (const std::exception& unexpected) {
        std::fprintf(stderr, "fixture server: %s\n", unexpected.what());
    }
}

// What one listening port serves: plain HTTP, HTTPS, or a TLS handshake fault.
struct PortRole {
    ssl::context* tls = nullptr;        // HTTPS (or, with a fault, the TLS 1.0-only context)
    std::optional<TlsFault> tls_fault;  // set on the fault ports
};

awaitable<void> accept_loop(tcp::acceptor acceptor, FixtureRegistry& registry, PortRole role) {
    for (;;) {
        boost::system::error_code error;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(use_awaitable, error));
        if (error == asio::error::operation_aborted) co_return;
        if (error) {
            // E.g. EMFILE: back off instead of spinning, the next accept may succeed.
            co_await pause(10ms);
            continue;
        }
        close_on_exec(socket.native_handle());
        registry.count_connection();
        socket.set_option(tcp::no_delay(true), error);
        const auto executor = acceptor.get_executor();
        if (role.tls_fault) {
            asio::co_spawn(executor,
                           serve_tls_fault(std::move(socket), *role.tls_fault, registry, *role.tls),
                           report_unexpected);
        } else if (role.tls != nullptr) {
            asio::co_spawn(executor, serve_tls(std::move(socket), registry, *role.tls),
                           report_unexpected);
        } else {
            asio::co_spawn(executor, serve_plain(std::move(socket), registry), report_unexpected);
        }
    }
}

}  // namespace

// Member order matters: `io` is destroyed first (explicitly, in ~Impl), and with it every
// connection coroutine, which still refers to the registry and the TLS context.
struct FixtureServer::Impl {
    explicit Impl(FixtureServerOptions options_in);
    ~Impl();

    FixtureServerOptions options;
    TestCerts certs;
    FixtureRegistry registry;
    ssl::context tls_context{ssl::context::tls_server};
    ssl::context legacy_tls_context{ssl::context::tls_server};  // TLS 1.0 only
    std::unique_ptr<asio::io_context> io;
    std::uint16_t http_port = 0;
    std::uint16_t https_port = 0;
    std::map<TlsFault, std::uint16_t> tls_fault_ports;
    std::thread thread;
};

FixtureServer::Impl::Impl(FixtureServerOptions options_in)
    : options(std::move(options_in)),
      certs(TestCertsOptions{options.tls_names, options.tls_self_signed_leaf}) {
    tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3);
    tls_context.use_certificate_chain_file(certs.cert_file());
    tls_context.use_private_key_file(certs.key_file(), ssl::context::pem);
    // Security level 0 lets OpenSSL 3 speak TLS 1.0 at all (SHA-1 signatures); clients
    // of today refuse it, which is the point.
    SSL_CTX* legacy = legacy_tls_context.native_handle();
    SSL_CTX_set_security_level(legacy, 0);
    SSL_CTX_set_min_proto_version(legacy, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(legacy, TLS1_VERSION);
    legacy_tls_context.use_certificate_chain_file(certs.cert_file());
    legacy_tls_context.use_private_key_file(certs.key_file(), ssl::context::pem);

    io = std::make_unique<asio::io_context>(1);
    const tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
    const auto listen = [&](PortRole role) {
        tcp::acceptor acceptor(*io, loopback);
        close_on_exec(acceptor.native_handle());
        const std::uint16_t port = acceptor.local_endpoint().port();
        asio::co_spawn(*io, accept_loop(std::move(acceptor), registry, role), report_unexpected);
        return port;
    };
    http_port = listen(PortRole{});
    https_port = listen(PortRole{&tls_context, std::nullopt});
    for (const TlsFault fault : all_tls_faults) {
        tls_fault_ports[fault] = listen(PortRole{&legacy_tls_context, fault});
    }
    thread = std::thread([this] { io->run(); });
}

// stop() abandons every pending operation, whatever fault a connection is in, so this never
// waits on a client; destroying the io_context then closes all sockets and frees the frames.
FixtureServer::Impl::~Impl() {
    io->stop();
    if (thread.joinable()) thread.join();
    io.reset();
}

FixtureServer::FixtureServer() : FixtureServer(FixtureServerOptions{}) {}

FixtureServer::FixtureServer(FixtureServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

FixtureServer::~FixtureServer() = default;

std::uint16_t FixtureServer::http_port() const { return impl_->http_port; }
std::uint16_t FixtureServer::https_port() const { return impl_->https_port; }
const std::string& FixtureServer::ca_file() const { return impl_->certs.ca_file(); }

std::uint16_t FixtureServer::tls_fault_port(TlsFault fault) const {
    return impl_->tls_fault_ports.at(fault);
}

std::vector<std::string> FixtureServer::connect_to() const {
    return {":80:127.0.0.1:" + std::to_string(impl_->http_port),
            ":443:127.0.0.1:" + std::to_string(impl_->https_port)};
}

std::string FixtureServer::url(std::string_view host, std::string_view path, bool tls) const {
    std::string text = tls ? "https://" : "http://";
    text += host;
    if (path.empty() || path.front() != '/') text += '/';
    return text += path;
}

void FixtureServer::on(std::string host, std::string path, Handler handler, std::string method) {
    impl_->registry.set_route(lower(host), std::move(path), std::move(method), std::move(handler));
}

void FixtureServer::on(std::string host, std::string path, Reply reply, std::string method) {
    on(std::move(host), std::move(path), [reply](const RecordedRequest&) { return reply; },
       std::move(method));
}

void FixtureServer::sequence(std::string host, std::string path, std::vector<Reply> replies,
                             std::string method) {
    if (replies.empty()) replies.emplace_back();
    auto next = std::make_shared<std::atomic<std::size_t>>(0);
    on(std::move(host), std::move(path),
       [replies = std::move(replies), next](const RecordedRequest&) {
           const std::size_t n = next->fetch_add(1);
           return replies[std::min(n, replies.size() - 1)];
       },
       std::move(method));
}

void FixtureServer::limit(std::string host, HostLimits limits) {
    impl_->registry.set_limits(lower(host), limits);
}

std::size_t FixtureServer::hits(std::string_view host) const {
    return impl_->registry.hits(lower(host));
}
std::size_t FixtureServer::hits(std::string_view host, std::string_view path) const {
    return impl_->registry.hits(lower(host), path);
}
std::size_t FixtureServer::hits(std::string_view host, std::string_view path,
                                std::string_view method) const {
    return impl_->registry.hits(lower(host), path, method);
}
int FixtureServer::peak_concurrency(std::string_view host) const {
    return impl_->registry.peak_concurrency(lower(host));
}
std::size_t FixtureServer::rejected_429(std::string_view host) const {
    return impl_->registry.rejected_429(lower(host));
}
std::vector<RecordedRequest> FixtureServer::requests(std::string_view host) const {
    return impl_->registry.requests(lower(host));
}
std::uint64_t FixtureServer::bytes_sent(std::string_view host) const {
    return impl_->registry.bytes_sent(lower(host));
}
std::size_t FixtureServer::total_hits() const { return impl_->registry.total_hits(); }
std::size_t FixtureServer::connections_accepted() const {
    return impl_->registry.connections();
}
void FixtureServer::reset_stats() { impl_->registry.reset_stats(); }

}  // namespace ah::testing
