// `awesome-health check`: the nightly job. Reads the previous snapshot first (a run that
// cannot read it stops before touching anything), extracts, checks every target, builds
// the new snapshot with history, diffs, prints the summary and writes reports/ atomically.
// A network outage exits 3 and writes nothing.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "ah/atomic_file.h"
#include "ah/check_run.h"
#include "ah/console_summary.h"
#include "ah/diff.h"
#include "ah/extract.h"
#include "ah/render_html.h"
#include "ah/snapshot.h"
#include "ah/url.h"
#include "ah/venue.h"
#include "commands/commands.h"
#include "list_source.h"

namespace ah {

namespace {

bool use_colour(std::FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour != nullptr && *no_colour != '\0') return false;
    return ::isatty(fileno(stream)) == 1;
}

}  // namespace

// The previous run's GitHub metadata as the GitHub stage takes it (ETags, stale copies).
RepoInfo repo_info_of(const RepoMeta& m, const TargetRecord& t) {
    RepoInfo info;
    info.listed = classify_url(t.url).id;
    info.exists = t.result.verdict != Verdict::dead;
    info.name_with_owner = m.name_with_owner;
    info.url = m.url;
    info.stars = m.stars;
    info.pushed_at = m.pushed_at;
    info.last_commit_at = m.last_commit_at;
    info.archived = m.archived;
    info.disabled = m.disabled;
    info.fork = m.fork;
    info.license = m.license;
    info.etag = m.etag;
    return info;
}

Result<std::optional<Snapshot>> load_previous_snapshot(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<Snapshot>{};
    auto loaded = load_snapshot(path);
    if (!loaded) return loaded.error();
    return std::optional<Snapshot>(std::move(loaded.value()));
}

std::string config_digest(const Config& config, const GlobalOptions& global) {
    // The file's text as it was loaded (not read again: it may have changed since).
    std::string material = config.path.empty() ? "(defaults)" : config.path + config.text;
    for (const auto& o : global.overrides) material += "\n--set " + o;
    return sha256_hex(material);
}

Status write_reports(const std::string& dir, const Snapshot& snapshot, const Diff& diff) {
    // All four are written and flushed before any is replaced: a full disk or a read-only
    // directory leaves every old report as it was. health.json is renamed last: it is the
    // baseline, and the others are derived from it. The large ones stream straight into
    // their files (index.html ~600 bytes per entry, health.json ~1 KB per target); diff.md
    // is capped at GitHub's 65,536 characters.
    AtomicFileSet reports;
    if (auto s = reports.stage(dir + "/diff.json", [&](TextSink& out) { write_diff_json(diff, out); }); !s) return s;
    if (auto s = reports.stage(dir + "/diff.md", diff_to_markdown(diff)); !s) return s;
    if (auto s = reports.stage(dir + "/index.html", [&](TextSink& out) { write_html(snapshot, diff, out); }); !s)
        return s;
    if (auto s = reports.stage(dir + "/health.json", [&](TextSink& out) { write_snapshot_json(snapshot, out); }); !s)
        return s;
    return reports.commit();
}

int run_check(const GlobalOptions& global, const CheckOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    const std::string source = !options.list.empty() ? options.list
                               : is_url(config->list.source) ? config->list.source
                                                             : config->resolve_path(config->list.source);
    const std::string reports_dir = config->resolve_path(config->reports.dir);
    const std::string health_path = reports_dir + "/health.json";
    auto previous = load_previous_snapshot(health_path);
    if (!previous) {
        print_error(previous.error());
        return exit_usage;
    }

    const auto started_at = std::chrono::system_clock::now();
    auto text = load_list(source, *config);
    if (!text) {
        print_error(text.error());
        return text.error().kind == ErrorKind::network ? exit_network : exit_usage;
    }
    // The list text is not kept: the Catalog has everything the run needs from it.
    const std::string list_sha256 = sha256_hex(*text);
    Catalog catalog = extract_catalog(*text, source);
    std::string().swap(text.value());
    RunHooks hooks;
    hooks.progress = options.quiet ? nullptr : stderr;
    if (previous->has_value()) {
        for (const auto& t : previous->value().targets) {
            if (t.result.verdict != Verdict::skipped) hooks.previous_elapsed[t.url] = t.result.elapsed;
            if (t.repo && t.kind == "github_repo") hooks.previous_repos[github_repo_key(classify_url(t.url).id)] = repo_info_of(*t.repo, t);
        }
    }
    // The token comes from the environment only, and is never printed.
    if (const char* token = std::getenv("GITHUB_TOKEN"); token != nullptr) hooks.github_token = token;
    std::optional<VenueAliases> venues;
    // Only a list with arXiv links needs the venue table.
    const bool has_arxiv = std::any_of(catalog.targets.begin(), catalog.targets.end(),
                                       [](const Target& t) { return t.kind == LinkKind::arxiv; });
    if (config->arxiv.enabled && has_arxiv) {
        auto loaded = load_venue_aliases(config->resolve_path(config->venues.file));
        if (loaded) {
            venues = std::move(loaded.value());
            for (const auto& [written, canonical] : config->venue_aliases) venues->add_alias(written, canonical);
            hooks.venues = &*venues;
        } else {
            std::fprintf(stderr, "awesome-health: warning: %s; venue inference is skipped\n",
                         loaded.error().to_string().c_str());
        }
    }
    hooks.now = started_at;
    RunOutcome outcome = run_checks(catalog, *config, hooks);
    if (outcome.network_unavailable) {
        std::fprintf(stderr, "awesome-health: network unavailable: %s; no report written, history unchanged\n",
                     outcome.outage_reason.c_str());
        return exit_network;
    }

    const Snapshot* before = previous->has_value() ? &previous->value() : nullptr;
    if (before && before->list_source != source)
        std::fprintf(stderr, "awesome-health: warning: the previous report was of %s; comparing by URL\n",
                     before->list_source.c_str());
    const HistoryPolicy history{config->history.confirm_after, config->history.confirm_at_once, config->history.keep_runs};
    // The Catalog and the outcome end here: their strings move into the snapshot.
    const Snapshot snapshot = build_snapshot(std::move(catalog), std::move(outcome), before, history,
                                             {source, list_sha256, config_digest(*config, global), iso8601_utc(started_at)});
    const DiffPolicy diff_policy{config->history.confirm_after, config->reports.stars_change_percent,
                                 config->reports.stars_change_min};
    const Diff diff = diff_snapshots(before, snapshot, diff_policy);

    const std::string summary = render_console_summary(diff, snapshot, use_colour(stdout));
    std::fwrite(summary.data(), 1, summary.size(), stdout);
    std::fflush(stdout);
    if (auto written = write_reports(reports_dir, snapshot, diff); !written) {
        print_error(written.error());
        return exit_usage;
    }
    std::fprintf(stderr, "awesome-health: wrote %s/{health.json,diff.json,diff.md,index.html}\n", reports_dir.c_str());
    const int status = diff.fails(config->reports.fail_on) ? exit_findings : exit_healthy;
    if (options.sync_issue) {
        if (const int issue_status = run_issue(global, IssueOptions{false, reports_dir + "/diff.json"});
            issue_status != exit_healthy)
            return issue_status;
    }
    return status;
}

}  // namespace ah
