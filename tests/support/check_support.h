// Helpers for tests that run the checking engine (run_checks) against the fixture server:
// a configuration that reaches it only through network.connect_to, one-row-per-URL lists,
// and lookups of a target's result.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ah/check_run.h"
#include "ah/config.h"
#include "support/fixture_server.h"

namespace ah::testing {

// connect_to entries for named hosts only (both ports), so that other names still go through DNS.
std::vector<std::string> connect_hosts(const FixtureServer& server,
                                       std::initializer_list<std::string_view> hosts);

// Defaults with the fixture server's hosts and CA, no proxy, 2 s timeouts, fast retries,
// no pacing, no progress line and no Wayback lookups.
Config test_config(const FixtureServer& server, std::initializer_list<std::string_view> hosts);

// A list with one table row per URL.
Catalog list_of(const std::vector<std::string>& urls);

// The result of the target with this URL (fails the test when there is none).
const CheckResult& result_for(const Catalog& catalog, const RunOutcome& outcome, std::string_view url);

// run_checks without a progress line.
RunOutcome run(const Catalog& catalog, const Config& config);

// A port on 127.0.0.1 that nothing listens on.
std::uint16_t closed_port();

Reply status(int code, std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace ah::testing
