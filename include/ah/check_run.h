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
#include "ah/github.h"
#include "ah/heap_optional.h"
#include "ah/metadata.h"
#include "ah/venue.h"
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
    // Per target (same order), what the APIs said; empty where they were not asked.
    std::vector<HeapOptional<RepoMeta>> repos;
    std::vector<HeapOptional<PaperMeta>> papers;
    std::vector<HeapOptional<HubMeta>> hubs;
    std::vector<std::string> archive_urls;  // closest Wayback copy of dead links
    std::vector<FindingRecord> findings;    // metadata findings (see metadata_findings.h)
    std::vector<Suggestion> suggestions;
    ApiStats api;
    std::vector<std::string> warnings;      // for people, once each (never the token)
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
    // GITHUB_TOKEN (GraphQL) or empty (REST); never printed.
    std::string github_token;
    // Last run's GitHub metadata by github_repo_key: ETags, and copies kept when the
    // quota runs out.
    std::map<std::string, RepoInfo> previous_repos;
    // The venue alias table; null skips venue inference.
    const VenueAliases* venues = nullptr;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// Checks every target (filters, remap and per-host rules from `config`). Never throws;
// failures are verdicts.
RunOutcome run_checks(const Catalog& catalog, const Config& config, const RunHooks& hooks = {});

// The guard on its own: most distinct hosts failing at the DNS/connect level means the
// runner has no network. Sets network_unavailable and outage_reason.
// A host counts as unreachable when every request to it (link checks and API calls alike)
// failed at the DNS/connect level.
void apply_outage_guard(RunOutcome& outcome, double threshold, int min_hosts);

}  // namespace ah
