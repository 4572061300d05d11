// `awesome-health check`: extract, check every unique target, print the summary, write
// reports/health.json atomically; exit 3 without writing anything on a network outage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "ah/atomic_file.h"
#include "ah/check_run.h"
#include "ah/extract.h"
#include "ah/health_report.h"
#include "commands/commands.h"
#include "list_source.h"

namespace ah {

namespace {

bool use_colour(std::FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour != nullptr && *no_colour != '\0') return false;
    return ::isatty(fileno(stream)) == 1;
}

bool has_failures(const RunOutcome& outcome, const Catalog& catalog, const std::string& fail_on) {
    if (fail_on == "none") return false;
    for (const auto& r : outcome.results) {
        if (r.verdict == Verdict::dead) return true;
        if (fail_on == "any" && (r.verdict == Verdict::error || r.verdict == Verdict::moved ||
                                 r.verdict == Verdict::blocked || r.verdict == Verdict::malformed))
            return true;
    }
    if (fail_on == "any")
        for (const auto& f : catalog.findings)
            if (f.severity == Severity::error) return true;
    return false;
}

}  // namespace

int run_check(const GlobalOptions& global, const CheckOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    const std::string source = !options.list.empty() ? options.list
                               : is_url(config->list.source) ? config->list.source
                                                             : config->resolve_path(config->list.source);
    const auto started_at = std::chrono::system_clock::now();
    auto text = load_list(source, *config);
    if (!text) {
        print_error(text.error());
        return text.error().kind == ErrorKind::network ? exit_network : exit_usage;
    }
    const Catalog catalog = extract_catalog(*text, source);
    RunHooks hooks;
    hooks.progress = options.quiet ? nullptr : stderr;
    const RunOutcome outcome = run_checks(catalog, *config, hooks);

    if (outcome.network_unavailable) {
        std::fprintf(stderr, "awesome-health: network unavailable: %s; no report written, history unchanged\n",
                     outcome.outage_reason.c_str());
        return exit_network;
    }
    const std::string summary = render_run_summary(catalog, outcome, use_colour(stdout));
    std::fwrite(summary.data(), 1, summary.size(), stdout);
    std::fflush(stdout);

    const std::string reports_dir = config->resolve_path(config->reports.dir);
    const std::string health_path = reports_dir + "/health.json";
    if (auto written = write_file_atomically(health_path, render_health_json(catalog, outcome, {source, started_at}));
        !written) {
        print_error(written.error());
        return exit_usage;
    }
    std::fprintf(stderr, "awesome-health: wrote %s\n", health_path.c_str());
    return has_failures(outcome, catalog, config->reports.fail_on) ? exit_findings : exit_healthy;
}

}  // namespace ah
