// health.json and the console summary of a checking run.
#include "ah/health_report.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "ah/json_writer.h"

namespace ah {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

namespace {

constexpr std::array all_verdicts = {Verdict::ok,      Verdict::moved,     Verdict::dead,   Verdict::error,
                                     Verdict::blocked, Verdict::malformed, Verdict::skipped};

std::map<Verdict, std::size_t> count_verdicts(const RunOutcome& outcome) {
    std::map<Verdict, std::size_t> counts;
    for (const auto& r : outcome.results) ++counts[r.verdict];
    return counts;
}

}  // namespace

std::string render_health_json(const Catalog& catalog, const RunOutcome& outcome, const RunInfo& info) {
    JsonWriter w;
    w.begin_object();
    w.field("schema_version", health_schema_version);
    w.field("tool", std::string("awesome-health ") + AH_VERSION);
    w.field("generated_at", iso8601_utc(info.started_at));
    w.field("duration_ms", static_cast<std::int64_t>(outcome.elapsed.count()));
    w.key("list").begin_object();
    w.field("source", info.source).field("entries", catalog.entries.size()).field("links", catalog.links.size());
    w.field("targets", catalog.targets.size());
    w.end_object();

    const auto counts = count_verdicts(outcome);
    w.key("summary").begin_object();
    for (Verdict v : all_verdicts) {
        const auto it = counts.find(v);
        w.field(to_string(v), it == counts.end() ? std::size_t{0} : it->second);
    }
    w.field("requests", outcome.requests).field("retries", outcome.retries);
    w.field("rate_limited", outcome.rate_limited).field("shared_requests", outcome.shared_requests);
    w.end_object();

    w.key("targets").begin_array();
    for (std::size_t i = 0; i < catalog.targets.size(); ++i) {
        const Target& t = catalog.targets[i];
        const CheckResult& r = outcome.results[i];
        w.begin_object();
        w.field("url", mask_credentials(t.url));
        if (r.url != t.url) w.field("checked_url", mask_credentials(r.url));
        if (!outcome.remapped_by[i].empty()) w.field("remapped_by", outcome.remapped_by[i]);
        w.field("kind", to_string(t.kind));
        w.field("verdict", to_string(r.verdict));
        w.field("checked_by", r.checked_by);
        if (r.http_status != 0) w.field("http_status", static_cast<std::int64_t>(r.http_status));
        if (!r.final_url.empty() && r.final_url != r.url) w.field("final_url", mask_credentials(r.final_url));
        if (!r.redirects.empty()) {
            w.key("redirects").begin_array();
            for (const auto& hop : r.redirects)
                w.begin_object().field("url", mask_credentials(hop.url)).field("status", static_cast<std::int64_t>(hop.status)).end_object();
            w.end_array();
        }
        w.field("attempts", r.attempts).field("retries", r.retries);
        if (r.rate_limited) w.field("rate_limited", r.rate_limited);
        if (!r.method.empty()) w.field("method", r.method);
        if (r.transport != TransportError::none) w.field("transport_error", to_string(r.transport));
        if (!r.error.empty()) w.field("error", r.error);
        w.field("elapsed_ms", static_cast<std::int64_t>(r.elapsed.count()));
        w.key("occurrences").begin_array();
        for (std::size_t li : t.occurrences) {
            const Link& l = catalog.links[li];
            w.begin_object().field("line", l.line).field("column", l.column).field("role", to_string(l.role));
            if (l.entry != no_index) {
                const Entry& e = catalog.entries[l.entry];
                w.field("entry", e.display_name()).field("section", e.section());
            }
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();

    w.key("findings").begin_array();
    for (const auto& f : catalog.findings) {
        w.begin_object().field("kind", to_string(f.kind)).field("severity", to_string(f.severity));
        w.field("message", f.message).field("line", f.line).field("column", f.column);
        if (!f.url.empty()) w.field("url", mask_credentials(f.url));
        w.end_object();
    }
    w.end_array();

    w.key("hosts").begin_array();
    for (const auto& h : outcome.hosts) {
        w.begin_object().field("host", h.host).field("targets", h.targets).field("requests", static_cast<std::int64_t>(h.requests));
        w.field("peak_in_flight", h.peak_in_flight).field("rate_limited", static_cast<std::int64_t>(h.rate_limited));
        w.field("slowest_ms", static_cast<std::int64_t>(h.slowest.count()));
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

std::string render_run_summary(const Catalog& catalog, const RunOutcome& outcome, bool colour) {
    const auto paint = [&](std::string_view code, const std::string& s) {
        return colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
    };
    std::string out;
    const auto counts = count_verdicts(outcome);
    const auto count = [&](Verdict v) {
        const auto it = counts.find(v);
        return it == counts.end() ? std::size_t{0} : it->second;
    };
    // Failures first: what a maintainer acts on.
    for (Verdict v : {Verdict::dead, Verdict::error, Verdict::moved, Verdict::blocked, Verdict::malformed}) {
        if (count(v) == 0) continue;
        out += paint(v == Verdict::dead || v == Verdict::error ? "31" : "33",
                     fmt::format("{} ({})", to_string(v), count(v))) + "\n";
        for (std::size_t i = 0; i < catalog.targets.size(); ++i) {
            const CheckResult& r = outcome.results[i];
            if (r.verdict != v) continue;
            const Link& first = catalog.links[catalog.targets[i].occurrences.front()];
            std::string where = fmt::format("line {}", first.line);
            if (first.entry != no_index) where += fmt::format(", {}", catalog.entries[first.entry].display_name());
            std::string detail = r.error;
            if (v == Verdict::moved) detail = fmt::format("now {}", mask_credentials(r.final_url));
            out += fmt::format("  {}  ({}){}\n", mask_credentials(catalog.targets[i].url), where,
                               detail.empty() ? "" : " — " + detail);
        }
    }
    std::string totals;
    for (Verdict v : all_verdicts) totals += fmt::format("{}{} {}", totals.empty() ? "" : ", ", count(v), to_string(v));
    out += fmt::format("\n{} targets: {}\n", catalog.targets.size(), totals);
    out += fmt::format("{} requests in {:.1f} s, {} retries, {} answers of 429/503, {} shared\n", outcome.requests,
                       static_cast<double>(outcome.elapsed.count()) / 1000.0, outcome.retries, outcome.rate_limited,
                       outcome.shared_requests);
    std::vector<HostSummary> slow = outcome.hosts;
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
