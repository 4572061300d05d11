// Tests for HttpEngine (curl multi_socket on Boost.Asio) against a loopback MiniHttpServer.
#include <catch2/catch.hpp>

#include "net/curl_handles.h"
#include "net/http_engine.h"
#include "support/mini_http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>

using namespace std::chrono_literals;
using ah::HttpMethod;
using ah::HttpRequest;
using ah::HttpResponse;
using ah::TransportError;
using ah::net::HttpEngine;
using ah::test::MiniHttpServer;
using ah::test::MiniRequest;
using ah::test::MiniResponse;

namespace {

// Runs `io` until `done()` holds or `limit` passes; returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        if (io.stopped()) io.restart();
        if (io.run_one_for(10ms) == 0) std::this_thread::sleep_for(1ms);
    }
    return done();
}

// One request on a fresh engine; the response, or nullopt if it never came.
std::optional<HttpResponse> fetch(HttpRequest request, ah::EngineOptions options = {},
                                  std::chrono::milliseconds limit = 5000ms) {
    boost::asio::io_context io;
    HttpEngine engine(io, std::move(options));
    std::optional<HttpResponse> result;
    engine.start(std::move(request), [&](HttpResponse response) { result = std::move(response); });
    run_until(
        io, [&] { return result.has_value(); }, limit);
    return result;
}

HttpRequest get(std::string url) {
    HttpRequest request;
    request.url = std::move(url);
    return request;
}

std::size_t open_fd_count() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("GET returns status, headers and body", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest&) {
        MiniResponse response;
        response.headers = {{"X-Test", "one"}, {"X-Test", "two"}, {"Content-Type", "text/plain"}};
        response.body = "hello";
        return response;
    });
    auto response = fetch(get(server.url("/page")));
    REQUIRE(response);
    CHECK(response->error == TransportError::none);
    CHECK(response->status == 200);
    CHECK(response->body == "hello");
    CHECK_FALSE(response->body_truncated);
    CHECK(response->header("x-test") == "two");
    CHECK(response->header("CONTENT-TYPE") == "text/plain");
    CHECK(response->headers.front().first == "x-test");
    CHECK(response->http_version == 1);
    CHECK(response->primary_ip == "127.0.0.1");
    CHECK(response->effective_url == server.url("/page"));
    CHECK(response->redirect_url.empty());
    auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/page");
    bool has_agent = false;
    for (const auto& [name, value] : seen[0].headers) {
        if (name == "user-agent") has_agent = value.rfind("awesome-health/", 0) == 0;
    }
    CHECK(has_agent);
}

TEST_CASE("HEAD has no body, POST sends one", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest& request) {
        MiniResponse response;
        response.body = request.method == "POST" ? "got:" + request.body : "12345";
        return response;
    });
    HttpRequest head = get(server.url("/"));
    head.method = HttpMethod::head;
    auto headed = fetch(head);
    REQUIRE(headed);
    CHECK(headed->error == TransportError::none);
    CHECK(headed->status == 200);
    CHECK(headed->body.empty());
    CHECK(headed->header("content-length") == "5");

    HttpRequest post = get(server.url("/graphql"));
    post.method = HttpMethod::post;
    post.body = R"({"query":"{ viewer { login } }"})";
    post.headers = {{"Content-Type", "application/json"}};
    auto posted = fetch(post);
    REQUIRE(posted);
    CHECK(posted->status == 200);
    CHECK(posted->body == "got:" + post.body);
    auto seen = server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "HEAD");
    CHECK(seen[1].method == "POST");
}

TEST_CASE("body_cap stops a large body early without an error", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest&) {
        MiniResponse response;
        response.streamed_body_bytes = 20 * 1024 * 1024;
        return response;
    });
    HttpRequest request = get(server.url("/big"));
    request.body_cap = 64 * 1024;
    auto response = fetch(request);
    REQUIRE(response);
    CHECK(response->error == TransportError::none);
    CHECK(response->curl_code == 0);
    CHECK(response->status == 200);
    CHECK(response->body_truncated);
    CHECK(response->body.size() == 64 * 1024);
    CHECK(response->elapsed < 2000ms);
    // The server notices the client hung up in the middle of the body.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (server.responses_cut_short() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    CHECK(server.responses_cut_short() == 1);
}

TEST_CASE("a multi-megabyte body arrives whole", "[net]") {
    // Exercises many readiness rounds on one socket, including the case where curl
    // leaves bytes unread and an edge-triggered wait alone would stall.
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest&) {
        MiniResponse response;
        response.streamed_body_bytes = 3 * 1024 * 1024;
        return response;
    });
    HttpRequest request = get(server.url("/big"));
    request.body_cap = 4 * 1024 * 1024;
    request.timeout = 5000ms;
    auto response = fetch(request);
    REQUIRE(response);
    CHECK(response->error == TransportError::none);
    CHECK(response->body.size() == 3 * 1024 * 1024);
    CHECK_FALSE(response->body_truncated);
}

TEST_CASE("a server that never answers costs about the timeout", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest&) {
        MiniResponse response;
        response.never_answer = true;
        return response;
    });
    HttpRequest request = get(server.url("/silent"));
    request.timeout = 300ms;
    auto response = fetch(request);
    REQUIRE(response);
    CHECK(response->error == TransportError::timeout);
    CHECK(response->status == 0);
    CHECK_FALSE(response->error_message.empty());
    CHECK(response->elapsed >= 250ms);
    CHECK(response->elapsed < 2000ms);
}

TEST_CASE("connection refused, unknown host, garbage and bad URLs are transport errors", "[net]") {
    ah::net::CurlGlobal curl;
    SECTION("refused") {
        unsigned short port = 0;
        {
            boost::asio::io_context scratch;
            boost::asio::ip::tcp::acceptor acceptor(
                scratch, {boost::asio::ip::make_address("127.0.0.1"), 0});
            port = acceptor.local_endpoint().port();
        }  // closed: nobody listens there now
        auto response = fetch(get("http://127.0.0.1:" + std::to_string(port) + "/"));
        REQUIRE(response);
        CHECK(response->error == TransportError::connect);
        CHECK(response->status == 0);
    }
    SECTION("unknown host") {
        HttpRequest request = get("http://nonexistent.invalid/");
        request.timeout = 3000ms;  // in case the sandbox resolver is slow rather than negative
        auto response = fetch(request);
        REQUIRE(response);
        CHECK(
            (response->error == TransportError::dns || response->error == TransportError::timeout));
    }
    SECTION("garbage status line") {
        MiniHttpServer server([](const MiniRequest&) {
            MiniResponse response;
            response.raw = "garbage\r\n\r\n";
            return response;
        });
        auto response = fetch(get(server.url("/")));
        REQUIRE(response);
        CHECK(response->error == TransportError::protocol);
    }
    SECTION("malformed status code") {
        MiniHttpServer server([](const MiniRequest&) {
            MiniResponse response;
            response.raw = "HTTP/1.1 abc Nope\r\n\r\n";
            return response;
        });
        auto response = fetch(get(server.url("/")));
        REQUIRE(response);
        CHECK(response->error == TransportError::protocol);
    }
    SECTION("unparsable URL") {
        auto response = fetch(get("http://exa mple.com:99999999/"));
        REQUIRE(response);
        CHECK(response->error == TransportError::url);
    }
    SECTION("scheme other than http(s)") {
        auto response = fetch(get("file:///etc/passwd"));
        REQUIRE(response);
        CHECK(response->error == TransportError::protocol);
        CHECK(response->body.empty());
    }
}

TEST_CASE("oversized response headers abort the transfer", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest&) {
        MiniResponse response;
        for (int i = 0; i < 300; ++i)
            response.headers.emplace_back("X-Pad-" + std::to_string(i), std::string(1000, 'p'));
        return response;
    });
    auto response = fetch(get(server.url("/")));
    REQUIRE(response);
    CHECK(response->error == TransportError::too_large_headers);
}

TEST_CASE("redirects are reported, not followed", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest& request) {
        MiniResponse response;
        if (request.target == "/old") {
            response.status = 301;
            response.reason = "Moved Permanently";
            response.headers = {{"Location", "/new"}};
        }
        return response;
    });
    auto response = fetch(get(server.url("/old")));
    REQUIRE(response);
    CHECK(response->error == TransportError::none);
    CHECK(response->status == 301);
    CHECK(response->redirect_url == server.url("/new"));
    CHECK(response->header("location") == "/new");
    CHECK(server.requests().size() == 1);
}

TEST_CASE("100 concurrent requests complete and leave no file descriptor behind", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest& request) {
        MiniResponse response;
        response.delay = 20ms;
        response.body = request.target;
        return response;
    });
    boost::asio::io_context io;
    {
        // Asio creates its epoll, eventfd and timerfd lazily with the first I/O object;
        // make that happen before counting.
        boost::asio::steady_timer warm_timer(io);
        boost::asio::posix::stream_descriptor warm_descriptor(io);
    }
    const std::size_t fds_before = open_fd_count();
    int ok = 0;
    int wrong = 0;
    {
        ah::EngineOptions options;
        options.max_host_connections = 100;
        HttpEngine engine(io, options);
        for (int i = 0; i < 100; ++i) {
            const std::string path = "/item/" + std::to_string(i);
            engine.start(get(server.url(path)), [&, path](HttpResponse response) {
                if (response.status == 200 && response.body == path)
                    ++ok;
                else
                    ++wrong;
            });
        }
        CHECK(engine.in_flight() == 100);
        REQUIRE(run_until(io, [&] { return ok + wrong == 100; }));
        CHECK(engine.in_flight() == 0);
    }
    CHECK(ok == 100);
    CHECK(wrong == 0);
    CHECK(server.peak_in_progress() > 8);  // they really ran side by side
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    CHECK(server.open_connections() == 0);
    CHECK(open_fd_count() == fds_before);
}

TEST_CASE("a completion callback may start new requests", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest& request) {
        MiniResponse response;
        response.body = request.target;
        return response;
    });
    boost::asio::io_context io;
    HttpEngine engine(io, {});
    std::vector<std::string> bodies;
    bool started_inline = true;
    std::function<void(HttpResponse)> on_done = [&](HttpResponse response) {
        bodies.push_back(response.body);
        if (bodies.size() < 5) {
            engine.start(get(server.url("/" + std::to_string(bodies.size()))), on_done);
        }
    };
    engine.start(get(server.url("/0")), on_done);
    started_inline = !bodies.empty();
    CHECK_FALSE(started_inline);  // never invoked from inside start()
    REQUIRE(run_until(io, [&] { return bodies.size() == 5; }));
    CHECK(bodies == std::vector<std::string>{"/0", "/1", "/2", "/3", "/4"});
    CHECK(engine.in_flight() == 0);
}

TEST_CASE("destroying the engine with requests in flight drops their callbacks", "[net]") {
    ah::net::CurlGlobal curl;
    MiniHttpServer server([](const MiniRequest& request) {
        MiniResponse response;
        response.never_answer = request.target != "/fast";
        return response;
    });
    boost::asio::io_context io;
    int called = 0;
    {
        ah::EngineOptions options;
        options.max_host_connections = 20;  // the fast request must not queue behind the slow
        HttpEngine engine(io, options);
        for (int i = 0; i < 10; ++i)
            engine.start(get(server.url("/slow")), [&](HttpResponse) { ++called; });
        bool fast_done = false;
        engine.start(get(server.url("/fast")), [&](HttpResponse) { fast_done = true; });
        REQUIRE(run_until(io, [&] { return fast_done; }));
        // And one whose completion is queued but not yet run when the engine dies.
        engine.start(get("http://127.0.0.1:1/"), [&](HttpResponse) { ++called; });
        run_until(
            io, [&] { return server.requests().size() >= 11; }, 2000ms);
        CHECK(engine.in_flight() == 11);
    }
    run_until(
        io, [] { return false; }, 100ms);  // let aborted waits and posts drain
    CHECK(called == 0);
}

TEST_CASE("CURLcodes map onto transport errors", "[net]") {
    using ah::net::transport_error_of;
    CHECK(transport_error_of(CURLE_OK) == TransportError::none);
    CHECK(transport_error_of(CURLE_COULDNT_RESOLVE_HOST) == TransportError::dns);
    CHECK(transport_error_of(CURLE_COULDNT_RESOLVE_PROXY) == TransportError::dns);
    CHECK(transport_error_of(CURLE_COULDNT_CONNECT) == TransportError::connect);
    CHECK(transport_error_of(CURLE_PEER_FAILED_VERIFICATION) == TransportError::tls);
    CHECK(transport_error_of(CURLE_SSL_CONNECT_ERROR) == TransportError::tls);
    CHECK(transport_error_of(CURLE_OPERATION_TIMEDOUT) == TransportError::timeout);
    CHECK(transport_error_of(CURLE_WEIRD_SERVER_REPLY) == TransportError::protocol);
    CHECK(transport_error_of(CURLE_BAD_CONTENT_ENCODING) == TransportError::protocol);
    CHECK(transport_error_of(CURLE_HTTP2) == TransportError::protocol);
    CHECK(transport_error_of(CURLE_RECV_ERROR) == TransportError::receive);
    CHECK(transport_error_of(CURLE_PARTIAL_FILE) == TransportError::receive);
    CHECK(transport_error_of(CURLE_SEND_ERROR) == TransportError::send);
    CHECK(transport_error_of(CURLE_URL_MALFORMAT) == TransportError::url);
    CHECK(transport_error_of(CURLE_WRITE_ERROR) == TransportError::other);
}
