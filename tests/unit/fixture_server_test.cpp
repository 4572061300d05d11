// Tests of the loopback fixture server, driven by libcurl the way the tool will reach it.
#include <catch2/catch.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "support/fixture_server.h"

using namespace std::chrono_literals;
using ah::testing::Fault;
using ah::testing::FixtureServer;
using ah::testing::FixtureServerOptions;
using ah::testing::HostLimits;
using ah::testing::RecordedRequest;
using ah::testing::RepeatedBody;
using ah::testing::Reply;
using ah::testing::TlsFault;

namespace {

using Clock = std::chrono::steady_clock;

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist make_slist(const std::vector<std::string>& items) {
    curl_slist* list = nullptr;
    for (const auto& item : items) list = curl_slist_append(list, item.c_str());
    return Slist(list);
}

struct Request {
    std::string method;  // "" = GET (or POST when body is set)
    std::optional<std::string> body;
    std::vector<std::string> headers;
    long timeout_ms = 3000;
    std::size_t abort_after_bytes = 0;  // 0 = read everything
    std::vector<std::string> connect_to;  // overrides the server's list when not empty
};

struct Response {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::string headers;
    curl_off_t content_length = -1;
    long new_connections = 0;
    std::chrono::milliseconds elapsed{0};

    // Last value of a response header (case-sensitive name match is enough for our replies).
    std::string header(const std::string& name) const {
        const auto at = headers.rfind(name + ": ");
        if (at == std::string::npos) return {};
        const auto start = at + name.size() + 2;
        return headers.substr(start, headers.find("\r\n", start) - start);
    }
};

// One easy handle; reusing a Client reuses its connections, like the tool's handles would.
class Client {
public:
    explicit Client(const FixtureServer& server)
        : server_(server), handle_(curl_easy_init(), &curl_easy_cleanup) {
        // Not REQUIRE: clients also run on other threads, and Catch2 asserts on one thread only
        // (ThreadSanitizer reports the race). The exception reaches the test through get().
        if (!handle_) throw std::runtime_error("curl_easy_init failed");
    }

    Response fetch(const std::string& url, const Request& request = {}) {
        CURL* h = handle_.get();
        curl_easy_reset(h);
        Response response;
        Sink sink{&response, request.abort_after_bytes};
        Slist connect_to = make_slist(request.connect_to.empty() ? server_.connect_to()
                                                                 : request.connect_to);
        Slist headers = make_slist(request.headers);
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
        curl_easy_setopt(h, CURLOPT_CAINFO, server_.ca_file().c_str());
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // an http_proxy in the environment must not interfere
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        // AH_CURL_VERBOSE=1 shows the conversation when a fixture test misbehaves.
        curl_easy_setopt(h, CURLOPT_VERBOSE, std::getenv("AH_CURL_VERBOSE") ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Client::on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Client::on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
        if (request.body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body->size()));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body->data());
        }
        if (request.method == "HEAD") {
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        } else if (!request.method.empty()) {
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }
        const auto start = Clock::now();
        response.code = curl_easy_perform(h);
        response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
        curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &response.content_length);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &response.new_connections);
        // The lists must outlive the transfer only; drop the handle's pointers to them now.
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, nullptr);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
        return response;
    }

private:
    struct Sink {
        Response* response;
        std::size_t abort_after_bytes;
    };

    static size_t on_body(char* data, size_t size, size_t count, void* user) {
        auto* sink = static_cast<Sink*>(user);
        sink->response->body.append(data, size * count);
        if (sink->abort_after_bytes > 0 && sink->response->body.size() >= sink->abort_after_bytes) {
            return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
        }
        return size * count;
    }

    static size_t on_header(char* data, size_t size, size_t count, void* user) {
        static_cast<Response*>(user)->headers.append(data, size * count);
        return size * count;
    }

    const FixtureServer& server_;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle_;
};

Response fetch(const FixtureServer& server, const std::string& url, const Request& request = {}) {
    Client client(server);
    return client.fetch(url, request);
}

// Runs `count` fetches at once on their own threads; Catch2 asserts only on this thread.
std::vector<Response> fetch_concurrently(const FixtureServer& server, const std::string& url,
                                         int count) {
    std::vector<std::future<Response>> pending;
    for (int i = 0; i < count; ++i) {
        pending.push_back(std::async(std::launch::async, [&server, url] { return fetch(server, url); }));
    }
    std::vector<Response> responses;
    for (auto& p : pending) responses.push_back(p.get());
    return responses;
}

Reply text(std::string body, int status = 200) {
    Reply reply;
    reply.status = status;
    reply.headers = {{"Content-Type", "text/plain"}};
    reply.body = std::move(body);
    return reply;
}

Reply faulty(Fault fault, std::string body = "0123456789") {
    Reply reply = text(std::move(body));
    reply.fault = fault;
    return reply;
}

}  // namespace

TEST_CASE("fixture server routes by Host over http and https", "[fixture]") {
    FixtureServer server;
    server.on("alpha.test", "/x", text("alpha x"));
    server.on("beta.test", "/x", text("beta x"));
    server.on("beta.test", "*", text("beta any"));

    CHECK(server.url("alpha.test", "/x") == "http://alpha.test/x");
    CHECK(server.url("beta.test", "y", true) == "https://beta.test/y");

    const auto plain = fetch(server, server.url("alpha.test", "/x?q=1"));
    REQUIRE(plain.code == CURLE_OK);
    CHECK(plain.status == 200);
    CHECK(plain.body == "alpha x");
    CHECK(plain.header("Content-Type") == "text/plain");

    const auto secure = fetch(server, server.url("beta.test", "/x", true));
    REQUIRE(secure.code == CURLE_OK);
    CHECK(secure.body == "beta x");
    CHECK(fetch(server, server.url("beta.test", "/other", true)).body == "beta any");
    // Real host names are in the leaf certificate too.
    server.on("github.com", "/owner/repo", text("repo page"));
    CHECK(fetch(server, "https://github.com/owner/repo").body == "repo page");

    // Host is matched case-insensitively and without its port.
    Request any_port;
    any_port.connect_to = {"::127.0.0.1:" + std::to_string(server.http_port())};
    CHECK(fetch(server, "http://ALPHA.test:8080/x", any_port).body == "alpha x");

    const auto alpha = server.requests("alpha.test");
    REQUIRE(alpha.size() == 2);
    CHECK(alpha[0].target == "/x?q=1");
    CHECK(alpha[0].path == "/x");
    CHECK(alpha[0].host == "alpha.test");
    CHECK_FALSE(alpha[0].tls);
    CHECK(alpha[0].header("user-agent").empty());  // curl sends none unless asked
    CHECK(alpha[1].header("HOST") == "ALPHA.test:8080");
    CHECK(server.requests("beta.test").at(0).tls);
    CHECK(server.hits("beta.test") == 2);
    CHECK(server.hits("beta.test", "/x") == 1);
    CHECK(server.hits("Beta.Test", "/x", "GET") == 1);
    CHECK(server.total_hits() == 5);
}

TEST_CASE("fixture server answers 404 for unrouted hosts and paths", "[fixture]") {
    FixtureServer server;
    server.on("alpha.test", "/known", text("ok"));
    const auto unknown_path = fetch(server, server.url("alpha.test", "/unknown"));
    REQUIRE(unknown_path.code == CURLE_OK);
    CHECK(unknown_path.status == 404);
    CHECK_FALSE(unknown_path.body.empty());
    CHECK(fetch(server, server.url("nowhere.test", "/known")).status == 404);
    CHECK(server.hits("alpha.test", "/unknown") == 1);
    CHECK(server.hits("nowhere.test") == 1);
}

TEST_CASE("fixture server answers HEAD with headers and Content-Length but no body",
          "[fixture]") {
    FixtureServer server;
    Reply page = text("twelve bytes");
    page.headers.emplace_back("ETag", "\"v1\"");
    server.on("alpha.test", "/page", page, "GET");
    Client client(server);

    Request head;
    head.method = "HEAD";
    const auto answer = client.fetch(server.url("alpha.test", "/page"), head);
    REQUIRE(answer.code == CURLE_OK);
    CHECK(answer.status == 200);
    CHECK(answer.body.empty());
    CHECK(answer.content_length == 12);
    CHECK(answer.header("ETag") == "\"v1\"");
    // The same connection must still be in sync: a body sent after HEAD would corrupt this.
    const auto get = client.fetch(server.url("alpha.test", "/page"));
    CHECK(get.body == "twelve bytes");
    CHECK(get.new_connections == 0);

    // A HEAD-specific route wins over the GET fallback.
    server.on("alpha.test", "/page", text("", 405), "HEAD");
    CHECK(client.fetch(server.url("alpha.test", "/page"), head).status == 405);
    CHECK(server.hits("alpha.test", "/page", "HEAD") == 2);
    CHECK(server.hits("alpha.test", "/page", "GET") == 1);
}

TEST_CASE("fixture server keeps connections alive, honours Connection: close, reads bodies",
          "[fixture]") {
    FixtureServer server;
    server.on("api.github.test", "/graphql", [](const RecordedRequest& request) {
        return text(request.method + " " + request.body + " " + request.header("content-type"));
    });
    Client client(server);
    const std::string url = server.url("api.github.test", "/graphql", true);

    Request post;
    post.body = R"({"query":"{ viewer { login } }"})";
    post.headers = {"Content-Type: application/json"};
    const auto first = client.fetch(url, post);
    REQUIRE(first.code == CURLE_OK);
    CHECK(first.body == "POST " + *post.body + " application/json");
    CHECK(first.new_connections == 1);

    Request patch;
    patch.method = "PATCH";
    patch.body = "x=1";
    CHECK(client.fetch(url, patch).body.rfind("PATCH x=1", 0) == 0);
    const auto get = client.fetch(url);
    CHECK(get.body.rfind("GET ", 0) == 0);
    CHECK(get.new_connections == 0);
    CHECK(server.connections_accepted() == 1);

    // A large body makes curl send "Expect: 100-continue"; it must not stall for a second.
    Request big;
    big.body = std::string(2 * 1024 * 1024, 'b');
    const auto uploaded = client.fetch(url, big);
    CHECK(uploaded.code == CURLE_OK);
    CHECK(uploaded.elapsed < 900ms);
    CHECK(server.requests("api.github.test").back().body.size() == big.body->size());

    Request closing;
    closing.headers = {"Connection: close"};
    const auto closed = client.fetch(url, closing);
    CHECK(closed.code == CURLE_OK);
    CHECK(closed.header("Connection") == "close");
    CHECK(client.fetch(url).new_connections == 1);
}

TEST_CASE("fixture server sequence() plays replies in order and repeats the last",
          "[fixture]") {
    FixtureServer server;
    Reply moved = text("", 301);
    moved.headers.emplace_back("Location", "https://beta.test/new");
    server.sequence("alpha.test", "/flaky", {text("a", 503), moved, text("done")});
    std::vector<long> statuses;
    for (int i = 0; i < 4; ++i) {
        statuses.push_back(fetch(server, server.url("alpha.test", "/flaky")).status);
    }
    CHECK(statuses == std::vector<long>{503, 301, 200, 200});
    CHECK(server.hits("alpha.test", "/flaky") == 4);
}

TEST_CASE("fixture server limit() answers 429 beyond max_concurrent and reports the peak",
          "[fixture]") {
    FixtureServer server;
    Reply slow = text("slow");
    slow.delay = 500ms;
    server.on("slow.test", "/s", slow);
    server.limit("slow.test", HostLimits{2, 0, 7});

    const auto responses = fetch_concurrently(server, server.url("slow.test", "/s"), 5);
    const auto ok = std::count_if(responses.begin(), responses.end(),
                                  [](const Response& r) { return r.status == 200; });
    CHECK(ok == 2);
    for (const auto& r : responses) {
        CHECK(r.code == CURLE_OK);
        if (r.status == 429) CHECK(r.header("Retry-After") == "7");
    }
    CHECK(server.rejected_429("slow.test") == 3);
    CHECK(server.peak_concurrency("slow.test") == 2);
    CHECK(server.hits("slow.test") == 5);

}

TEST_CASE("fixture server reports peak concurrency without limits", "[fixture]") {
    FixtureServer server;
    Reply slow = text("slow");
    slow.delay = 400ms;
    server.on("gamma.test", "/s", slow);
    const auto all = fetch_concurrently(server, server.url("gamma.test", "/s", true), 3);
    for (const auto& r : all) CHECK(r.status == 200);
    CHECK(server.peak_concurrency("gamma.test") == 3);
    CHECK(server.rejected_429("gamma.test") == 0);
}

TEST_CASE("fixture server frees a request's slot before the client sees the response",
          "[fixture]") {
    FixtureServer server;
    server.on("alpha.test", "*", text(std::string(40000, 'a')));
    server.limit("alpha.test", HostLimits{1, 0, 1});
    for (bool tls : {false, true}) {
        Client client(server);
        for (int i = 0; i < 5; ++i) {
            CHECK(client.fetch(server.url("alpha.test", "/next", tls)).status == 200);
        }
    }
    CHECK(server.rejected_429("alpha.test") == 0);
    CHECK(server.peak_concurrency("alpha.test") == 1);
}

TEST_CASE("fixture server limit() enforces max_per_second", "[fixture]") {
    FixtureServer server;
    server.on("delta.test", "*", text("ok"));
    server.limit("delta.test", HostLimits{0, 2, 3});
    Client client(server);
    std::vector<long> statuses;
    for (int i = 0; i < 4; ++i) {
        statuses.push_back(client.fetch(server.url("delta.test", "/r")).status);
    }
    // A full bucket allows a burst of two; the next ones come far sooner than 0.5 s apart.
    CHECK(statuses == std::vector<long>{200, 200, 429, 429});
    CHECK(server.rejected_429("delta.test") == 2);
}

TEST_CASE("fixture server reset_stats() clears counters but keeps routes", "[fixture]") {
    FixtureServer server;
    server.on("alpha.test", "/x", text("x"));
    fetch(server, server.url("alpha.test", "/x"));
    REQUIRE(server.hits("alpha.test") == 1);
    server.reset_stats();
    CHECK(server.hits("alpha.test") == 0);
    CHECK(server.hits("alpha.test", "/x") == 0);
    CHECK(server.total_hits() == 0);
    CHECK(server.peak_concurrency("alpha.test") == 0);
    CHECK(server.requests("alpha.test").empty());
    CHECK(fetch(server, server.url("alpha.test", "/x")).body == "x");
    CHECK(server.hits("alpha.test") == 1);
}

TEST_CASE("fixture server streams generated bodies and survives clients that give up",
          "[fixture]") {
    FixtureServer server;
    Reply huge;
    huge.generated_body_bytes = 100ull * 1024 * 1024;
    server.on("alpha.test", "/huge", huge);
    Reply medium;
    medium.generated_body_bytes = 300 * 1024 + 7;
    server.on("alpha.test", "/medium", medium);

    Request give_up;
    give_up.abort_after_bytes = 4096;
    for (bool tls : {false, true}) {
        const auto aborted = fetch(server, server.url("alpha.test", "/huge", tls), give_up);
        CHECK(aborted.code == CURLE_WRITE_ERROR);
        CHECK(aborted.content_length == 100ll * 1024 * 1024);
        CHECK(aborted.elapsed < 2s);
    }
    // Plain bodies bigger than a TLS record go out whole too.
    server.on("alpha.test", "/plain", text(std::string(70 * 1024, 'p')));
    for (bool tls : {false, true}) {
        const auto plain = fetch(server, server.url("alpha.test", "/plain", tls));
        CHECK(plain.code == CURLE_OK);
        CHECK(plain.body.size() == 70 * 1024);
    }
    const auto whole = fetch(server, server.url("alpha.test", "/medium", true));
    REQUIRE(whole.code == CURLE_OK);
    CHECK(whole.body.size() == medium.generated_body_bytes);
    CHECK(std::count(whole.body.begin(), whole.body.end(), 'x') > 0);
}

TEST_CASE("fixture server faults produce the client-visible errors", "[fixture]") {
    FixtureServer server;
    Request quick;
    quick.timeout_ms = 250;
    const bool tls = GENERATE(false, true);
    INFO("tls " << tls);
    auto url = [&](const char* path) { return server.url("alpha.test", path, tls); };

    SECTION("close_immediately: empty reply") {
        server.on("alpha.test", "/f", faulty(Fault::close_immediately));
        CHECK(fetch(server, url("/f"), quick).code == CURLE_GOT_NOTHING);
    }
    SECTION("never_answer: timeout") {
        server.on("alpha.test", "/f", faulty(Fault::never_answer));
        const auto r = fetch(server, url("/f"), quick);
        CHECK(r.code == CURLE_OPERATION_TIMEDOUT);
        CHECK(r.status == 0);
    }
    SECTION("stall_after_headers: status seen, then timeout") {
        server.on("alpha.test", "/f", faulty(Fault::stall_after_headers));
        const auto r = fetch(server, url("/f"), quick);
        CHECK(r.code == CURLE_OPERATION_TIMEDOUT);
        CHECK(r.status == 200);
        CHECK(r.content_length == 10);
    }
    SECTION("trickle_body and trickle_headers: slow but complete; a timeout cuts them") {
        struct Case {
            Fault fault;
            std::chrono::milliseconds interval, at_least;  // 4 body bytes, or some 60 header bytes
        };
        for (const Case& c : {Case{Fault::trickle_body, 30ms, 110ms}, Case{Fault::trickle_headers, 2ms, 100ms}}) {
            Reply trickle = faulty(c.fault, "abcd");
            trickle.trickle_interval = c.interval;
            server.on("alpha.test", "/f", trickle);
            const auto r = fetch(server, url("/f"));
            CHECK(r.code == CURLE_OK);
            CHECK(r.body == "abcd");
            CHECK(r.elapsed >= c.at_least);
            Reply slower = trickle;
            slower.trickle_interval = 200ms;
            server.on("alpha.test", "/g", slower);
            CHECK(fetch(server, url("/g"), quick).code == CURLE_OPERATION_TIMEDOUT);
        }
    }
    SECTION("reset_mid_body: half the body, then a receive error") {
        server.on("alpha.test", "/f", faulty(Fault::reset_mid_body, std::string(1000, 'r')));
        const auto r = fetch(server, url("/f"), quick);
        CHECK(r.status == 200);
        CHECK(r.code == CURLE_RECV_ERROR);
        CHECK(r.body.size() == 500);
    }
    SECTION("garbage_status_line: weird server reply") {
        server.on("alpha.test", "/f", faulty(Fault::garbage_status_line));
        // curl 7.88 says "Unsupported HTTP version in response"; newer ones a weird reply.
        const auto code = fetch(server, url("/f"), quick).code;
        CHECK((code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_WEIRD_SERVER_REPLY));
    }
    SECTION("endless_header: curl gives up on the header size or times out") {
        server.on("alpha.test", "/f", faulty(Fault::endless_header));
        Request patient;
        patient.timeout_ms = 3000;
        const auto r = fetch(server, url("/f"), patient);
        INFO("curl code " << r.code);
        CHECK(r.code != CURLE_OK);
        CHECK(r.elapsed < 2500ms);
    }
    SECTION("a handler that throws: 500") {
        server.on("alpha.test", "/f", [](const RecordedRequest&) -> Reply {
            throw std::runtime_error("boom");
        });
        const auto r = fetch(server, url("/f"), quick);
        CHECK(r.status == 500);
        CHECK(r.body.find("boom") != std::string::npos);
    }
    // Whatever the fault did, the server still answers.
    server.on("alpha.test", "/ok", text("ok"));
    CHECK(fetch(server, url("/ok"), quick).body == "ok");
}

TEST_CASE("fixture server streams repeated bodies and counts the bytes it sent", "[fixture]") {
    FixtureServer server;
    auto repeated = std::make_shared<RepeatedBody>();
    repeated->prefix = "<";
    repeated->unit = "abc";
    repeated->repeat = 100000;  // more than one write buffer
    repeated->suffix = ">";
    Reply reply;
    reply.repeated_body = repeated;
    server.on("alpha.test", "/r", reply);
    std::string expected = "<";
    for (int i = 0; i < 100000; ++i) expected += "abc";
    expected += ">";
    for (bool tls : {false, true}) {
        const auto r = fetch(server, server.url("alpha.test", "/r", tls));
        REQUIRE(r.code == CURLE_OK);
        CHECK(r.body == expected);
    }
    const std::uint64_t two_bodies = server.bytes_sent("alpha.test");
    CHECK(two_bodies > 2 * repeated->size());  // and two heads
    CHECK(two_bodies < 2 * repeated->size() + 400);

    Reply huge;
    huge.generated_body_bytes = 1ull << 30;
    server.on("beta.test", "/huge", huge);
    Request give_up;
    give_up.abort_after_bytes = 4096;
    CHECK(fetch(server, server.url("beta.test", "/huge"), give_up).code == CURLE_WRITE_ERROR);
    // The socket buffers took what they could; the gigabyte was never written. (The count
    // settles when the server's write fails; that happens on its own thread, so wait.)
    std::uint64_t sent = server.bytes_sent("beta.test");
    for (int i = 0; i < 50; ++i) {
        std::this_thread::sleep_for(10ms);
        const std::uint64_t now = server.bytes_sent("beta.test");
        if (now == sent) break;
        sent = now;
    }
    CHECK(sent >= 4096);
    CHECK(sent < 32u << 20);
    server.reset_stats();
    CHECK(server.bytes_sent("alpha.test") == 0);
}

TEST_CASE("fixture server routes the \"*\" host for hosts without routes of their own", "[fixture]") {
    FixtureServer server;
    server.on("*", "*", [](const RecordedRequest& request) { return text("any " + request.host); });
    server.on("alpha.test", "/own", text("own"));
    CHECK(fetch(server, server.url("h1.test", "/x")).body == "any h1.test");
    CHECK(fetch(server, server.url("alpha.test", "/own")).body == "own");
    // A host's own routes come first; its other paths fall back to the "*" host.
    CHECK(fetch(server, server.url("alpha.test", "/other")).body == "any alpha.test");
    CHECK(server.hits("h1.test") == 1);
}

TEST_CASE("fixture server TLS fault ports fail the handshake before any request", "[fixture]") {
    FixtureServer server;
    server.on("alpha.test", "*", text("never"));
    const auto on_port = [&](TlsFault fault) {
        Request request;
        request.timeout_ms = 500;
        request.connect_to = {fmt::format("alpha.test:443:127.0.0.1:{}", server.tls_fault_port(fault))};
        return fetch(server, server.url("alpha.test", "/", true), request);
    };
    // "wrong version number": the answer is not a TLS record.
    CHECK(on_port(TlsFault::plain_http).code == CURLE_SSL_CONNECT_ERROR);
    CHECK(on_port(TlsFault::close_in_handshake).code == CURLE_SSL_CONNECT_ERROR);
    CHECK(on_port(TlsFault::stall_in_handshake).code == CURLE_OPERATION_TIMEDOUT);
    // OpenSSL 3 clients refuse TLS 1.0 ("legacy sigalg disallowed or unsupported").
    CHECK(on_port(TlsFault::tls_1_0_only).code == CURLE_SSL_CONNECT_ERROR);
    CHECK(server.total_hits() == 0);
    CHECK(server.connections_accepted() == 4);
}

TEST_CASE("fixture server delays one reply without holding up others", "[fixture]") {
    FixtureServer server;
    Reply slow = text("slow");
    slow.delay = 500ms;
    server.on("slow.test", "/s", slow);
    server.on("alpha.test", "/fast", text("fast"));
    auto pending = std::async(std::launch::async,
                              [&] { return fetch(server, server.url("slow.test", "/s")); });
    while (server.hits("slow.test") == 0) std::this_thread::sleep_for(5ms);
    const auto fast = fetch(server, server.url("alpha.test", "/fast"));
    CHECK(fast.body == "fast");
    CHECK(fast.elapsed < 400ms);
    const auto delayed = pending.get();
    CHECK(delayed.body == "slow");
    CHECK(delayed.elapsed >= 450ms);
}

TEST_CASE("fixture server with a self-signed leaf fails TLS verification", "[fixture]") {
    FixtureServerOptions options;
    options.tls_self_signed_leaf = true;
    options.tls_names = {"extra.test"};
    FixtureServer server(options);
    server.on("extra.test", "/", text("hi"));
    CHECK(fetch(server, server.url("extra.test", "/", true)).code == CURLE_PEER_FAILED_VERIFICATION);
    CHECK(fetch(server, server.url("extra.test", "/")).body == "hi");
}

TEST_CASE("fixture server destructor returns promptly with connections held open",
          "[fixture]") {
    auto server = std::make_unique<FixtureServer>();
    server->on("slow.test", "/never", faulty(Fault::never_answer));
    server->on("slow.test", "/stall", faulty(Fault::stall_after_headers));
    Request patient;
    patient.timeout_ms = 10000;
    std::vector<std::future<Response>> clients;
    for (const char* path : {"/never", "/stall"}) {
        for (bool tls : {false, true}) {
            clients.push_back(std::async(std::launch::async, [&, path, tls] {
                return fetch(*server, server->url("slow.test", path, tls), patient);
            }));
        }
    }
    while (server->hits("slow.test") < clients.size()) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(50ms);  // let the stall replies reach their silent phase

    const auto start = Clock::now();
    server.reset();
    CHECK(Clock::now() - start < 2s);
    for (auto& client : clients) {
        const auto r = client.get();
        CHECK(r.code != CURLE_OK);
        CHECK(r.elapsed < 5s);  // the clients saw the close, not their own timeout
    }
}
