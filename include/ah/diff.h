// Diff of two snapshots: what died, recovered, moved or went stale since the last run,
// and the formatters for it (diff.json for machines, diff.md for the tracking issue).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ah/snapshot.h"
#include "ah/text_sink.h"

namespace ah {

enum class ChangeKind {
    newly_dead,     // confirmed failing now, not before
    still_dead,     // confirmed before and now
    failing,        // failing, not yet confirmed ("failing (1 of 2)")
    recovered,      // confirmed failing before, reachable now
    newly_moved,    // permanent redirect or rename, new or to a new place
    still_moved,    // moved before and still, to the same place: the list is not fixed yet
    newly_blocked,  // the site refuses robots now
    metadata,       // new: archived, renamed, new venue, title mismatch, stars, stale repository, ...
    still_stale,    // a metadata finding that was already reported and still holds
    entry_added,
    entry_removed,
};

std::string_view to_string(ChangeKind kind);
// Every kind, in the order reports show them (most urgent first).
std::span<const ChangeKind> change_kinds_in_report_order();
std::string_view heading_of(ChangeKind kind);

struct Change {
    ChangeKind kind = ChangeKind::metadata;
    std::string detail;   // for metadata: archived_repo, renamed_repo, stale_venue, stars, ...
    std::string url;
    std::string entry;
    std::string section;
    int line = 0;
    std::string what;     // what changed, for people
    std::string since;    // when the failure started
    std::string fix;      // a suggested fix: the new URL, an archived copy
};

struct Diff {
    bool first_run = false;
    bool different_list = false;  // the previous snapshot was of another list (diffed by URL)
    std::string old_generated_at;
    std::string new_generated_at;
    std::string list_source;
    std::size_t targets = 0;
    std::vector<Change> changes;

    std::size_t count(ChangeKind kind) const;
    // Is there anything new at or above fail_on ("none", "dead", "stale", "any")?
    bool fails(const std::string& fail_on) const;
};

struct DiffPolicy {
    int confirm_after = 2;
    int stars_change_percent = 20;
    int stars_change_min = 50;
};

// `old` may be null (first run: the current state is reported, nothing is "added").
Diff diff_snapshots(const Snapshot* old, const Snapshot& now, const DiffPolicy& policy);

std::string diff_to_json(const Diff& diff);
void write_diff_json(const Diff& diff, TextSink& out);

inline constexpr std::size_t github_body_limit = 65536;
// GitHub-flavoured Markdown for the tracking issue: a summary line, then one table per
// category; long categories fold into <details>; never longer than `limit` characters.
// Untrusted text is neutralised (no mentions, no raw HTML, no broken tables).
std::string diff_to_markdown(const Diff& diff, std::size_t limit = github_body_limit);

// One table cell's worth of untrusted text, made inert for GitHub Markdown.
std::string markdown_cell(std::string_view text);
// An untrusted URL as a Markdown link target: spaces, parentheses and angle brackets encoded.
std::string markdown_url(std::string_view url);

inline constexpr std::string_view tracking_issue_marker = "<!-- awesome-health:tracking-issue -->";

}  // namespace ah
