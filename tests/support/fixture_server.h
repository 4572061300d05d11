// Scriptable loopback HTTP/1.1 + HTTPS server that plays "the web" and its APIs for tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/fixture_types.h"

namespace ah::testing {

struct FixtureServerOptions {
    // Extra DNS names for the leaf certificate; default_tls_names() is always included.
    std::vector<std::string> tls_names;
    // Present a self-signed leaf (not issued by ca_file()), so verifying clients fail with
    // CURLE_PEER_FAILED_VERIFICATION. For TLS-failure tests; plain HTTP is unaffected.
    bool tls_self_signed_leaf = false;
};

// Listens on 127.0.0.1 on two ephemeral ports, plain HTTP and HTTPS, with the same routes on
// both. Virtual hosts come from the Host header (port stripped, lower-cased), so a client keeps
// real URLs and is pointed here with curl's CONNECT_TO (connect_to()) and CAINFO (ca_file()).
// Requests are served on one background I/O thread; every method is thread-safe. The destructor
// closes every connection (whatever fault it is in) and joins the thread.
class FixtureServer {
public:
    FixtureServer();
    explicit FixtureServer(FixtureServerOptions options);
    ~FixtureServer();
    FixtureServer(const FixtureServer&) = delete;
    FixtureServer& operator=(const FixtureServer&) = delete;

    std::uint16_t http_port() const;
    std::uint16_t https_port() const;
    const std::string& ca_file() const;  // PEM of the generated test CA
    // {":80:127.0.0.1:<http_port>", ":443:127.0.0.1:<https_port>"} for CURLOPT_CONNECT_TO.
    std::vector<std::string> connect_to() const;
    // A port on 127.0.0.1 where every TLS handshake runs into `fault`; point one host's :443
    // there ("host:443:127.0.0.1:<port>" in connect_to). No request is ever read on it.
    std::uint16_t tls_fault_port(TlsFault fault) const;
    // A real-looking URL on the default port, e.g. url("alpha.test", "/x") == "http://alpha.test/x".
    std::string url(std::string_view host, std::string_view path, bool tls = false) const;

    // Routes: host exact (case-insensitive) or "*" for any host without routes of its own; path
    // exact (without query) or "*" for any path of the host; method exact or "*". A more specific
    // host wins over a more specific path, which wins over a more specific method. HEAD
    // falls back to the GET route, answered with its headers and Content-Length but no body.
    // Registering the same (host, path, method) again replaces the route.
    void on(std::string host, std::string path, Handler handler, std::string method = "*");
    void on(std::string host, std::string path, Reply reply, std::string method = "*");
    // The n-th hit of the route gets replies[n]; the last one repeats.
    void sequence(std::string host, std::string path, std::vector<Reply> replies,
                  std::string method = "*");
    // Replaces the host's limits; requests beyond them get 429 with Retry-After.
    void limit(std::string host, HostLimits limits);

    // Statistics for assertions; host names compare case-insensitively. Every request read counts as a hit (404s and 429s included);
    // rejected requests never count towards peak_concurrency.
    std::size_t hits(std::string_view host) const;
    std::size_t hits(std::string_view host, std::string_view path) const;
    std::size_t hits(std::string_view host, std::string_view path, std::string_view method) const;
    // Max simultaneous requests handled for the host, from request read to response fully sent
    // or connection closed.
    int peak_concurrency(std::string_view host) const;
    std::size_t rejected_429(std::string_view host) const;
    std::vector<RecordedRequest> requests(std::string_view host) const;
    // Response bytes (head and body) handed to the host's clients' sockets; a client that
    // stops reading early keeps this far below the body's size.
    std::uint64_t bytes_sent(std::string_view host) const;
    std::size_t total_hits() const;
    // TCP connections accepted on both ports; lets tests check keep-alive reuse.
    std::size_t connections_accepted() const;
    // Clears counters and recorded requests; routes, limits and sequence positions are kept.
    void reset_stats();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ah::testing
