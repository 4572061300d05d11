// reports/health.json: the run's snapshot — every target's verdict with its evidence and
// where it occurs in the list — and the console summary of a run.
#pragma once

#include <chrono>
#include <string>

#include "ah/catalog.h"
#include "ah/check_run.h"

namespace ah {

inline constexpr int health_schema_version = 1;

struct RunInfo {
    std::string source;
    std::chrono::system_clock::time_point started_at;
};

std::string render_health_json(const Catalog& catalog, const RunOutcome& outcome, const RunInfo& info);

// The end-of-run summary for people: counts per verdict, the failures, slowest hosts.
std::string render_run_summary(const Catalog& catalog, const RunOutcome& outcome, bool colour);

std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace ah
