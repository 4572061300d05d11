// The private-address policy: which hosts are private, and which redirect hops it refuses.
#include <catch2/catch.hpp>

#include "filter.h"

using ah::is_private_host;
using ah::private_redirect_refusal;

TEST_CASE("private hosts: loopback, RFC 1918, link-local, CGNAT, ULA, mapped and NAT64 forms", "[filter]") {
    for (const char* host : {"localhost", "LOCALHOST", "localhost.", "app.localhost", "127.0.0.1", "127.255.0.9",
                             "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                             "100.64.0.1", "0.0.0.0", "[::1]", "[::]", "[fd00::1]", "[fe80::1]",
                             "[::ffff:127.0.0.1]", "[::ffff:c0a8:101]", "[64:ff9b::a00:1]"}) {
        INFO(host);
        CHECK(is_private_host(host));
    }
    for (const char* host : {"example.org", "localhost.example.org", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                             "[2001:db8::1]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "public.test"}) {
        INFO(host);
        CHECK_FALSE(is_private_host(host));
    }
}

TEST_CASE("redirect hops: public to private is refused; private to private only without exclude_private",
          "[filter]") {
    // Public page -> private address: refused whatever the configuration says.
    for (bool exclude_private : {false, true}) {
        const auto refusal = private_redirect_refusal("example.org", "169.254.169.254", exclude_private);
        REQUIRE(refusal);
        CHECK(refusal->find("169.254.169.254") != std::string::npos);
        CHECK(refusal->find("not followed") != std::string::npos);
    }
    // A listed private link may move within private addresses unless exclude_private.
    CHECK_FALSE(private_redirect_refusal("127.0.0.1", "localhost", false));
    const auto excluded = private_redirect_refusal("127.0.0.1", "localhost", true);
    REQUIRE(excluded);
    CHECK(excluded->find("filter.exclude_private") != std::string::npos);
    // Public hops are never this policy's business.
    CHECK_FALSE(private_redirect_refusal("example.org", "example.com", true));
    CHECK_FALSE(private_redirect_refusal("10.0.0.1", "example.com", true));
}
