// The snapshot (reports/health.json): one versioned document with the list's entries,
// every target's verdict, evidence, metadata and recent history. It is the baseline of
// the next run, so it is written atomically and read strictly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ah/catalog.h"
#include "ah/check_run.h"
#include "ah/heap_optional.h"
#include "ah/metadata.h"
#include "ah/result.h"
#include "ah/text_sink.h"
#include "ah/verdict.h"

namespace ah {

inline constexpr int snapshot_schema_version = 1;

struct HistoryPoint {
    std::string at;  // ISO 8601 UTC
    Verdict verdict = Verdict::ok;
    long http_status = 0;
    std::string error;
};

struct Occurrence {
    int line = 0;
    int column = 0;
    std::string role;
    std::string entry;    // display name of the row, "" outside tables
    std::string section;
};

struct TargetRecord {
    std::string url;
    std::string kind;
    std::string checked_url;  // when remapped
    std::string remapped_by;
    CheckResult result;       // this run's verdict and evidence; its url is left empty
                              // (url and checked_url say it once)
    std::vector<Occurrence> occurrences;
    std::vector<HistoryPoint> history;  // oldest first, this run last
    std::string first_failed_at;        // start of the current run of failures
    int consecutive_failures = 0;
    bool confirmed = false;             // a failure that passed confirm_after (or confirms at once)
    std::string archive_url;            // closest Wayback copy, for dead links
    HeapOptional<RepoMeta> repo;
    HeapOptional<PaperMeta> paper;
    HeapOptional<HubMeta> hub;
};

struct EntryRecord {
    std::string section, abbreviation, title, venue;
    int year = 0;
    int line = 0;
    std::vector<std::string> urls;
};

struct RunPoint {  // one past run, for the trend chart
    std::string at;
    std::size_t ok = 0, moved = 0, dead = 0, error = 0, blocked = 0, skipped = 0;
};

struct Snapshot {
    int schema_version = snapshot_schema_version;
    std::string tool;
    std::string generated_at;
    std::int64_t duration_ms = 0;
    std::string list_source;
    std::string list_sha256;
    std::string config_digest;
    std::vector<EntryRecord> entries;
    std::vector<TargetRecord> targets;
    std::vector<FindingRecord> findings;
    std::vector<Suggestion> suggestions;  // candidate links for placeholders: never findings
    std::vector<HostSummary> hosts;
    std::vector<RunPoint> runs;  // oldest first, this run last
    std::size_t requests = 0, retries = 0, rate_limited = 0;
    ApiStats api;
    std::vector<std::string> warnings;

    std::size_t count(Verdict v) const;
};

// A snapshot's targets by URL, for the stages that look targets up in a loop (the diff, the
// next snapshot's history, the report's entry table). Points into the snapshot: valid while
// its targets are neither added nor removed. Empty for a null snapshot.
class TargetIndex {
public:
    explicit TargetIndex(const Snapshot* snapshot);
    const TargetRecord* find(std::string_view url) const;

private:
    std::unordered_map<std::string_view, const TargetRecord*> by_url_;
};

struct HistoryPolicy {
    int confirm_after = 2;                     // consecutive failing runs before "dead" is reported
    std::vector<std::string> confirm_at_once;  // "404", "410", "nxdomain", "not_found"
    int keep_runs = 30;
};

struct SnapshotInputs {
    std::string list_source;
    std::string list_sha256;  // sha256_hex of the list text
    std::string config_digest;
    std::string generated_at;
};

// The new snapshot: this run's results, with history carried over from `previous` by URL.
// Takes the Catalog and the outcome apart (pass them with std::move when they are no
// longer needed): their strings move into the snapshot and their storage is released as
// it is used, so a big list is never held three times over.
Snapshot build_snapshot(Catalog catalog, RunOutcome outcome, const Snapshot* previous, const HistoryPolicy& policy,
                        const SnapshotInputs& inputs);

std::string snapshot_to_json(const Snapshot& snapshot);
// The same document, handed to `out` in pieces (health.json is about 1 KB per target).
void write_snapshot_json(const Snapshot& snapshot, TextSink& out);

// Reads a snapshot strictly: a missing file is Result error kind input with
// where.file set and message "no such file"; corrupt, truncated or newer-schema files are
// errors naming the file. Callers must never overwrite a file they could not read.
Result<Snapshot> load_snapshot(const std::string& path);
Result<Snapshot> parse_snapshot(std::string_view json, const std::string& name);

// Failures: what counts toward confirm_after.
bool is_failure(Verdict v);

std::string sha256_hex(std::string_view data);

}  // namespace ah
