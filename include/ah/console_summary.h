// The end-of-run summary for people on the console: the diff first, then the totals.
#pragma once

#include <chrono>
#include <string>

#include "ah/diff.h"
#include "ah/snapshot.h"

namespace ah {

std::string render_console_summary(const Diff& diff, const Snapshot& snapshot, bool colour);

std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace ah
