// Helpers for tests of whole checking runs against the fixture server (see check_support.h).
#include "support/check_support.h"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "ah/extract.h"

namespace ah::testing {

std::vector<std::string> connect_hosts(const FixtureServer& server,
                                       std::initializer_list<std::string_view> hosts) {
    std::vector<std::string> out;
    for (auto h : hosts) {
        out.push_back(fmt::format("{}:80:127.0.0.1:{}", h, server.http_port()));
        out.push_back(fmt::format("{}:443:127.0.0.1:{}", h, server.https_port()));
    }
    return out;
}

Config test_config(const FixtureServer& server, std::initializer_list<std::string_view> hosts) {
    Config c = default_config();
    c.network.connect_to = connect_hosts(server, hosts);
    c.network.ca_bundle = server.ca_file();
    c.network.proxy = "";
    c.check.timeout_ms = 2000;
    c.check.connect_timeout_ms = 1000;
    c.check.retry_base_ms = 20;
    c.check.retry_max_ms = 100;
    c.check.min_interval_ms = 0;
    c.check.progress = "never";
    c.wayback.enabled = false;  // dead links here have no archived copies to look up
    return c;
}

Catalog list_of(const std::vector<std::string>& urls) {
    std::string md = "|Name|Paper|\n|---|---|\n";
    for (std::size_t i = 0; i < urls.size(); ++i) md += fmt::format("|n{}|[p]({})|\n", i, urls[i]);
    return extract_catalog(md, "test.md");
}

const CheckResult& result_for(const Catalog& catalog, const RunOutcome& outcome, std::string_view url) {
    for (std::size_t i = 0; i < catalog.targets.size(); ++i)
        if (catalog.targets[i].url == url) return outcome.results[i];
    FAIL("no target " << url);
    throw;
}

RunOutcome run(const Catalog& catalog, const Config& config) {
    RunHooks hooks;
    hooks.progress = nullptr;
    return run_checks(catalog, config, hooks);
}

std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

Reply status(int code, std::vector<std::pair<std::string, std::string>> headers) {
    Reply r;
    r.status = code;
    r.headers = std::move(headers);
    return r;
}

}  // namespace ah::testing
