// A whole checking run: every unique target of a Catalog through one engine, one polite
// client and one checker, then the network-outage guard.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ah/catalog.h"
#include "ah/config.h"
#include "ah/verdict.h"

namespace ah {

struct HostSummary {
    std::string host;
    std::uint64_t requests = 0;
    int peak_in_flight = 0;
    std::uint64_t rate_limited = 0;  // 429 and 503 answers
    std::chrono::milliseconds slowest{0};
    std::size_t targets = 0;
    std::size_t connection_failures = 0;
};

struct RunOutcome {
    std::vector<CheckResult> results;  // one per Catalog target, same order
    std::vector<std::string> remapped_by;  // per target: the remap pattern applied, or ""
    std::vector<HostSummary> hosts;
    std::chrono::milliseconds elapsed{0};
    std::size_t requests = 0;
    std::size_t retries = 0;
    std::size_t rate_limited = 0;
    std::size_t shared_requests = 0;  // answered from an identical earlier request
    bool network_unavailable = false;
    std::string outage_reason;
};

struct RunHooks {
    std::FILE* progress = stderr;  // nullptr: no progress output
    // How long each URL took last time (from the previous snapshot). Known-slow links are
    // started first, so a 2 s link does not start last behind a host's queue of fast ones.
    std::map<std::string, std::chrono::milliseconds> previous_elapsed;
};

// Checks every target (filters, remap and per-host rules from `config`). Never throws;
// failures are verdicts.
RunOutcome run_checks(const Catalog& catalog, const Config& config, const RunHooks& hooks = {});

// The guard on its own: most distinct hosts failing at the DNS/connect level means the
// runner has no network. Sets network_unavailable and outage_reason.
void apply_outage_guard(RunOutcome& outcome, double threshold, int min_hosts);

}  // namespace ah
