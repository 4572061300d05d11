// A small, fixed two-night report for the HTML tests: entries in two sections with every
// verdict, repository metadata, a stale-venue finding, hosts and five runs of trend.
#pragma once

#include "ah/diff.h"
#include "ah/snapshot.h"

namespace ah::testing {

struct HtmlReportFixture {
    Snapshot previous;  // the night before
    Snapshot snapshot;  // tonight
    Diff diff;          // previous -> snapshot
};

// Timestamps and the duration are fixed, so the rendering is byte-for-byte stable.
HtmlReportFixture html_report_fixture();

}  // namespace ah::testing
