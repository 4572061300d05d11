// Console summary of a run: what changed since the last run, then totals and slow hosts.
#include "ah/console_summary.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "ah/url.h"

namespace ah {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string render_console_summary(const Diff& diff, const Snapshot& s, bool colour) {
    const auto paint = [&](std::string_view code, const std::string& text) {
        return colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
    };
    std::string out;
    if (diff.first_run) out += "First run: this is the baseline for the next runs.\n";
    for (ChangeKind k : change_kinds_in_report_order()) {
        const std::size_t n = diff.count(k);
        if (n == 0) continue;
        const std::string_view code = k == ChangeKind::newly_dead ? "31" : k == ChangeKind::recovered ? "32" : "33";
        out += paint(code, fmt::format("{} ({})", heading_of(k), n)) + "\n";
        for (const auto& c : diff.changes) {
            if (c.kind != k) continue;
            std::string where = c.line ? fmt::format("line {}", c.line) : "";
            if (!c.entry.empty()) where += (where.empty() ? "" : ", ") + c.entry;
            out += fmt::format("  {}{} — {}{}\n", c.url.empty() ? c.entry : mask_credentials(c.url),
                               where.empty() ? "" : " (" + where + ")", c.what, c.fix.empty() ? "" : "; " + c.fix);
        }
    }
    if (diff.changes.empty() && !diff.first_run) out += "No changes since the last run.\n";
    std::string totals;
    for (Verdict v : {Verdict::ok, Verdict::moved, Verdict::dead, Verdict::error, Verdict::blocked, Verdict::malformed,
                      Verdict::skipped})
        totals += fmt::format("{}{} {}", totals.empty() ? "" : ", ", s.count(v), to_string(v));
    out += fmt::format("\n{} targets: {}\n", s.targets.size(), totals);
    out += fmt::format("{} requests in {:.1f} s, {} retries, {} answers of 429/503\n", s.requests,
                       static_cast<double>(s.duration_ms) / 1000.0, s.retries, s.rate_limited);
    const ApiStats& api = s.api;
    if (api.github_repositories > 0)
        out += fmt::format("GitHub: {} repositories in {} GraphQL and {} REST requests ({} not modified)\n",
                           api.github_repositories, api.github_graphql_requests, api.github_rest_requests,
                           api.github_not_modified);
    if (api.arxiv_ids > 0)
        out += fmt::format("arXiv: {} ids in {} requests{}\n", api.arxiv_ids, api.arxiv_requests,
                           api.arxiv_min_spacing_ms >= 0 ? fmt::format(", at least {} ms apart", api.arxiv_min_spacing_ms)
                                                         : std::string());
    if (api.huggingface_requests > 0) out += fmt::format("HuggingFace: {} requests\n", api.huggingface_requests);
    if (api.wayback_requests > 0) out += fmt::format("Wayback Machine: {} requests\n", api.wayback_requests);
    for (const auto& warning : s.warnings) out += paint("33", "warning: " + warning) + "\n";
    if (!s.suggestions.empty()) {
        out += "suggestions:\n";
        for (const auto& g : s.suggestions)
            out += fmt::format("  {} (line {}): maybe {} — {}\n", g.entry, g.line, mask_credentials(g.url), g.evidence);
    }
    std::vector<HostSummary> slow = s.hosts;
    std::sort(slow.begin(), slow.end(), [](const auto& a, const auto& b) { return a.slowest > b.slowest; });
    if (!slow.empty()) {
        out += "slowest hosts:";
        for (std::size_t i = 0; i < slow.size() && i < 3; ++i)
            out += fmt::format(" {} ({} ms)", slow[i].host, slow[i].slowest.count());
        out += "\n";
    }
    return out;
}

}  // namespace ah
