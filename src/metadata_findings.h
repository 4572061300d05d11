// Findings drawn from API metadata: stale or mismatched venues, titles that point at another
// paper, newer arXiv versions, withdrawn papers, archived/disabled/renamed/stale
// repositories, placeholders whose code now exists, archived copies of dead links; and
// suggestions for placeholder cells. Pure functions over the Catalog and the run's results.
#pragma once

#include <chrono>

#include "ah/catalog.h"
#include "ah/check_run.h"
#include "ah/venue.h"

namespace ah {

struct MetadataPolicy {
    int stale_after_days = 365;
    std::chrono::system_clock::time_point now;
};

// Appends to outcome.findings and outcome.suggestions.
void add_metadata_findings(const Catalog& catalog, RunOutcome& outcome, const VenueAliases* venues,
                           const MetadataPolicy& policy);

// Days from an ISO 8601 date ("2023-05-01T12:00:00Z") to `now`; nullopt when unparsable.
std::optional<int> days_since(std::string_view iso_date, std::chrono::system_clock::time_point now);

}  // namespace ah
