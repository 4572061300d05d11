// Snapshot diff and its JSON and Markdown renderings (see diff.h).
#include "ah/diff.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ah/json_writer.h"
#include "ah/url.h"
#include "text_util.h"

namespace ah {

std::string_view to_string(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::newly_dead: return "newly_dead";
        case ChangeKind::still_dead: return "still_dead";
        case ChangeKind::failing: return "failing";
        case ChangeKind::recovered: return "recovered";
        case ChangeKind::newly_moved: return "newly_moved";
        case ChangeKind::still_moved: return "still_moved";
        case ChangeKind::newly_blocked: return "newly_blocked";
        case ChangeKind::metadata: return "metadata";
        case ChangeKind::still_stale: return "still_stale";
        case ChangeKind::entry_added: return "entry_added";
        case ChangeKind::entry_removed: return "entry_removed";
    }
    return "metadata";
}

std::string_view heading_of(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::newly_dead: return "Newly dead";
        case ChangeKind::still_dead: return "Still dead";
        case ChangeKind::failing: return "Failing, not yet confirmed";
        case ChangeKind::recovered: return "Recovered";
        case ChangeKind::newly_moved: return "Moved";
        case ChangeKind::still_moved: return "Still moved";
        case ChangeKind::newly_blocked: return "Blocked (not known dead)";
        case ChangeKind::metadata: return "Stale metadata";
        case ChangeKind::still_stale: return "Still stale metadata";
        case ChangeKind::entry_added: return "Entries added";
        case ChangeKind::entry_removed: return "Entries removed";
    }
    return "";
}

namespace {

constexpr std::array display_order = {ChangeKind::newly_dead,  ChangeKind::metadata,    ChangeKind::newly_moved,
                                      ChangeKind::failing,     ChangeKind::newly_blocked, ChangeKind::still_dead,
                                      ChangeKind::still_moved, ChangeKind::still_stale, ChangeKind::recovered,
                                      ChangeKind::entry_added, ChangeKind::entry_removed};

// Findings that come from metadata and are worth telling when they are new.
bool is_metadata_finding(std::string_view kind) {
    static constexpr std::array kinds = {"stale_venue", "venue_mismatch", "year_mismatch", "title_mismatch",
                                         "stale_repo", "archived_repo", "renamed_repo", "disabled_repo",
                                         "placeholder_now_available"};
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Change change_for(ChangeKind kind, const TargetRecord& t) {
    Change c;
    c.kind = kind;
    c.url = t.url;
    if (!t.occurrences.empty()) {
        c.entry = t.occurrences.front().entry;
        c.section = t.occurrences.front().section;
        c.line = t.occurrences.front().line;
    }
    return c;
}

std::string failure_text(const CheckResult& r) {
    if (!r.error.empty()) return r.error;
    if (r.http_status != 0) return fmt::format("HTTP {}", r.http_status);
    return std::string(to_string(r.verdict));
}

std::string entry_key(const EntryRecord& e) {
    std::string key = text::to_lower(text::collapse_space(e.title));
    if (key.empty() || key == "-") key = text::to_lower(e.abbreviation);
    if ((key.empty() || key == "-") && !e.urls.empty()) key = e.urls.front();
    return key;
}

}  // namespace

std::span<const ChangeKind> change_kinds_in_report_order() { return display_order; }

std::size_t Diff::count(ChangeKind kind) const {
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [&](const Change& c) { return c.kind == kind; }));
}

bool Diff::fails(const std::string& fail_on) const {
    if (fail_on == "none") return false;
    if (count(ChangeKind::newly_dead) > 0) return true;
    if (fail_on == "stale" || fail_on == "any")
        if (count(ChangeKind::metadata) > 0) return true;
    if (fail_on == "any")
        return count(ChangeKind::newly_moved) + count(ChangeKind::newly_blocked) + count(ChangeKind::entry_added) +
                   count(ChangeKind::entry_removed) >
               0;
    return false;
}

Diff diff_snapshots(const Snapshot* old, const Snapshot& now, const DiffPolicy& policy) {
    Diff d;
    d.first_run = old == nullptr;
    d.new_generated_at = now.generated_at;
    d.list_source = now.list_source;
    d.targets = now.targets.size();
    if (old) {
        d.old_generated_at = old->generated_at;
        d.different_list = !old->list_source.empty() && old->list_source != now.list_source;
    }

    const TargetIndex old_targets(old), now_targets(&now);
    for (const TargetRecord& t : now.targets) {
        const TargetRecord* prev = old_targets.find(t.url);
        const CheckResult& r = t.result;
        if (is_failure(r.verdict)) {
            if (t.confirmed) {
                const bool was_confirmed = prev && prev->confirmed && is_failure(prev->result.verdict);
                Change c = change_for(was_confirmed ? ChangeKind::still_dead : ChangeKind::newly_dead, t);
                c.what = failure_text(r);
                c.since = t.first_failed_at;
                if (!t.archive_url.empty()) c.fix = "archived copy: " + t.archive_url;
                d.changes.push_back(std::move(c));
            } else {
                Change c = change_for(ChangeKind::failing, t);
                c.what = fmt::format("{} (failing {} of {})", failure_text(r), t.consecutive_failures, policy.confirm_after);
                c.since = t.first_failed_at;
                d.changes.push_back(std::move(c));
            }
        } else if ((r.verdict == Verdict::ok || r.verdict == Verdict::moved) && prev && prev->confirmed &&
                   is_failure(prev->result.verdict)) {
            Change c = change_for(ChangeKind::recovered, t);
            c.what = fmt::format("reachable again (was: {})", failure_text(prev->result));
            c.since = prev->first_failed_at;
            d.changes.push_back(std::move(c));
        }
        if (r.verdict == Verdict::moved) {
            const bool same_as_before =
                prev && prev->result.verdict == Verdict::moved && prev->result.final_url == r.final_url;
            Change c = change_for(same_as_before ? ChangeKind::still_moved : ChangeKind::newly_moved, t);
            const long status = r.redirects.empty() ? r.http_status : r.redirects.front().status;
            c.what = r.checked_by == "http" ? fmt::format("permanent redirect (HTTP {})", status) : "repository renamed";
            c.fix = "use " + r.final_url;
            d.changes.push_back(std::move(c));
        }
        if (r.verdict == Verdict::blocked && (!prev || prev->result.verdict != Verdict::blocked)) {
            Change c = change_for(ChangeKind::newly_blocked, t);
            c.what = failure_text(r);
            d.changes.push_back(std::move(c));
        }
        // Stars are compared run to run; the first sighting has nothing to compare with.
        if (prev && prev->repo && t.repo && !t.repo->stale_copy) {
            const std::int64_t before = prev->repo->stars, after = t.repo->stars;
            const std::int64_t delta = after - before;
            const std::int64_t magnitude = delta < 0 ? -delta : delta;
            if (magnitude >= policy.stars_change_min &&
                magnitude * 100 >= static_cast<std::int64_t>(policy.stars_change_percent) * std::max<std::int64_t>(before, 1)) {
                Change c = change_for(ChangeKind::metadata, t);
                c.detail = "stars";
                c.what = fmt::format("stars {} → {}", before, after);
                d.changes.push_back(std::move(c));
            }
        }
    }

    // Metadata findings that were not there last time.
    std::set<std::pair<std::string, std::string>> known;
    if (old)
        for (const auto& f : old->findings) known.emplace(f.kind, f.url);
    for (const auto& f : now.findings) {
        if (!is_metadata_finding(f.kind)) continue;
        Change c;
        c.kind = known.count({f.kind, f.url}) != 0 ? ChangeKind::still_stale : ChangeKind::metadata;
        c.detail = f.kind;
        c.url = f.url;
        c.entry = f.entry;
        c.line = f.line;
        c.what = f.message;
        c.fix = f.evidence;
        if (const TargetRecord* t = now_targets.find(f.url); t && !t->occurrences.empty()) c.section = t->occurrences.front().section;
        d.changes.push_back(std::move(c));
    }

    if (old) {
        std::map<std::string, int> before;
        for (const auto& e : old->entries) ++before[entry_key(e)];
        std::map<std::string, int> after;
        for (const auto& e : now.entries) ++after[entry_key(e)];
        for (const auto& e : now.entries) {
            if (before[entry_key(e)]-- > 0) continue;
            Change c;
            c.kind = ChangeKind::entry_added;
            c.entry = e.abbreviation.empty() || e.abbreviation == "-" ? e.title : e.abbreviation;
            c.section = e.section;
            c.line = e.line;
            c.what = e.title;
            if (!e.urls.empty()) c.url = e.urls.front();
            d.changes.push_back(std::move(c));
        }
        for (const auto& e : old->entries) {
            if (after[entry_key(e)]-- > 0) continue;
            Change c;
            c.kind = ChangeKind::entry_removed;
            c.entry = e.abbreviation.empty() || e.abbreviation == "-" ? e.title : e.abbreviation;
            c.section = e.section;
            c.what = e.title;
            if (!e.urls.empty()) c.url = e.urls.front();
            d.changes.push_back(std::move(c));
        }
    }
    std::stable_sort(d.changes.begin(), d.changes.end(), [](const Change& a, const Change& b) {
        const auto rank = [](ChangeKind k) {
            return std::find(display_order.begin(), display_order.end(), k) - display_order.begin();
        };
        return std::make_pair(rank(a.kind), a.line) < std::make_pair(rank(b.kind), b.line);
    });
    return d;
}

std::string diff_to_json(const Diff& d) {
    return collect_text([&](TextSink& out) { write_diff_json(d, out); });
}

void write_diff_json(const Diff& d, TextSink& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("first_run", d.first_run).field("different_list", d.different_list);
    w.field("old_generated_at", d.old_generated_at).field("new_generated_at", d.new_generated_at);
    w.field("list_source", mask_credentials(d.list_source)).field("targets", d.targets);
    w.key("counts").begin_object();
    for (ChangeKind k : display_order) w.field(to_string(k), d.count(k));
    w.end_object();
    w.key("changes").begin_array();
    for (const auto& c : d.changes) {
        w.begin_object().field("kind", to_string(c.kind));
        if (!c.detail.empty()) w.field("detail", c.detail);
        w.field("url", mask_credentials(c.url)).field("entry", c.entry).field("section", c.section).field("line", c.line);
        w.field("what", c.what).field("since", c.since).field("fix", c.fix);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.finish();
}

// ---------------------------------------------------------------- Markdown

std::string markdown_cell(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        switch (c) {
            case '\n': case '\r': case '\t': out += ' '; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '|': out += "\\|"; break;
            // An @ followed by a name would notify that user: a zero-width space breaks it.
            case '@': out += "@&#8203;"; break;
            case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '!':
                out += '\\';
                out += c;
                break;
            default: out += c;
        }
    }
    return out;
}

std::string markdown_url(std::string_view url) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : drop_credentials(url)) {
        const auto byte = static_cast<unsigned char>(c);
        // A line break would end the table row (and the link) early; the other characters
        // would end or redirect the link target. URLs from diff.json or an old snapshot may
        // hold anything, so every white space and control byte is encoded too.
        if (byte <= 0x20 || byte == 0x7f || std::string_view("()<>|\"`@").find(c) != std::string_view::npos) {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

std::string link_cell(const std::string& url) {
    if (url.empty()) return "";
    std::string shown = mask_credentials(url);
    if (shown.size() > 70) shown = shown.substr(0, 67) + "...";
    return fmt::format("[{}]({})", markdown_cell(shown), markdown_url(url));
}

std::string fix_cell(const std::string& fix) {
    // "use https://..." and "archived copy: https://..." carry a URL worth linking.
    const auto at = fix.find("http");
    if (at == std::string::npos) return markdown_cell(fix);
    const std::string url = fix.substr(at, fix.find(' ', at) - at);
    return markdown_cell(fix.substr(0, at)) + link_cell(url);
}

std::string row(const Change& c) {
    return fmt::format("| {} | {} | {} | {} | {} | {} |\n", markdown_cell(c.entry), markdown_cell(c.section),
                       link_cell(c.url), markdown_cell(c.what), markdown_cell(c.since.substr(0, 10)), fix_cell(c.fix));
}

constexpr std::size_t details_threshold = 10;  // longer sections fold into <details>

std::string render(const Diff& d, const std::map<ChangeKind, std::size_t>& caps) {
    std::string out;
    out += tracking_issue_marker;
    out += "\n";
    std::string counts;
    for (ChangeKind k : display_order) {
        const std::size_t n = d.count(k);
        if (n == 0) continue;
        counts += fmt::format("{}{} {}", counts.empty() ? "" : " · ", n, text::to_lower(heading_of(k)));
    }
    out += fmt::format("**Link health**: {} — {} links checked on {}{}\n", counts.empty() ? "all clear" : counts,
                       d.targets, markdown_cell(d.new_generated_at.substr(0, 10)),
                       d.first_run ? " (first run: baseline recorded)" : "");
    if (d.different_list)
        out += "\n> Note: the previous report was of another list; changes are compared by URL.\n";
    for (ChangeKind k : display_order) {
        const std::size_t n = d.count(k);
        if (n == 0) continue;
        const std::size_t cap = caps.count(k) ? caps.at(k) : n;
        const bool fold = n > details_threshold;
        const std::string title = fmt::format("{} ({})", heading_of(k), n);
        out += fold ? fmt::format("\n<details><summary>{}</summary>\n\n", title) : fmt::format("\n### {}\n\n", title);
        out += "| Entry | Section | Link | What changed | Since | Suggested fix |\n|---|---|---|---|---|---|\n";
        std::size_t shown = 0;
        for (const auto& c : d.changes) {
            if (c.kind != k) continue;
            if (shown++ == cap) break;
            out += row(c);
        }
        if (cap < n) out += fmt::format("\n…and {} more — see the HTML report.\n", n - cap);
        if (fold) out += "\n</details>\n";
    }
    return out;
}

}  // namespace

std::string diff_to_markdown(const Diff& d, std::size_t limit) {
    std::map<ChangeKind, std::size_t> caps;
    for (ChangeKind k : display_order) caps[k] = d.count(k);
    std::string out = render(d, caps);
    // Over the limit: halve the longest section until it fits. Terminates: every pass
    // shrinks some cap, and with every cap at 0 the body is a few hundred characters.
    while (out.size() > limit) {
        auto longest = std::max_element(caps.begin(), caps.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
        if (longest->second == 0) break;
        longest->second /= 2;
        out = render(d, caps);
    }
    text::cut_utf8(out, limit);  // only with absurd limits
    return out;
}

}  // namespace ah
