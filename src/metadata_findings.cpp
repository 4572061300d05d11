// Metadata findings and suggestions (see metadata_findings.h).
#include "metadata_findings.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "ah/arxiv.h"
#include "text_util.h"

namespace ah {

std::optional<int> days_since(std::string_view iso, std::chrono::system_clock::time_point now) {
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!text::is_digit(iso[i])) return std::nullopt;
    const int y = std::stoi(std::string(iso.substr(0, 4)));
    const unsigned m = static_cast<unsigned>(std::stoi(std::string(iso.substr(5, 2))));
    const unsigned d = static_cast<unsigned>(std::stoi(std::string(iso.substr(8, 2))));
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!date.ok()) return std::nullopt;
    const auto then = std::chrono::sys_days{date};
    return static_cast<int>(std::chrono::floor<std::chrono::days>(now - then).count());
}

namespace {

ArxivPaper paper_from(const PaperMeta& m) {
    ArxivPaper p;
    p.id = m.id;
    p.title = m.title;
    p.authors = m.authors;
    p.published = m.published;
    p.updated = m.updated;
    p.latest_version = m.latest_version;
    p.journal_ref = m.journal_ref;
    p.comment = m.comment;
    p.doi = m.doi;
    p.primary_category = m.primary_category;
    return p;
}

class Collector {
public:
    Collector(const Catalog& catalog, RunOutcome& out) : catalog_(catalog), out_(out) {}

    void add(std::string kind, std::string severity, std::string message, const Link& link, std::string url,
             std::string evidence = {}) {
        const std::string entry = link.entry != no_index ? catalog_.entries[link.entry].display_name() : "";
        if (!seen_.insert(kind + "\n" + url + "\n" + entry).second) return;
        out_.findings.push_back(
            FindingRecord{std::move(kind), std::move(severity), std::move(message), link.line, std::move(url), entry,
                          std::move(evidence)});
    }

private:
    const Catalog& catalog_;
    RunOutcome& out_;
    std::set<std::string> seen_;
};

void paper_findings(const Catalog& catalog, RunOutcome& out, const VenueAliases* venues, Collector& c) {
    for (std::size_t li = 0; li < catalog.links.size(); ++li) {
        const Link& link = catalog.links[li];
        if (link.target == no_index || !out.papers[link.target]) continue;
        const PaperMeta& paper = *out.papers[link.target];
        const std::string& url = catalog.targets[link.target].url;
        if (!link.info.version().empty() && paper.latest_version > std::stoi(std::string(link.info.version()))) {
            c.add("arxiv_newer_version", "info",
                  fmt::format("the link pins arXiv:{}v{}; v{} is the latest", paper.id, link.info.version(),
                              paper.latest_version),
                  link, url);
        }
        if (text::icontains(paper.comment, "withdrawn"))
            c.add("withdrawn_paper", "warning", fmt::format("arXiv:{} is withdrawn ({})", paper.id, paper.comment), link,
                  url, paper.comment);
        if (link.role != LinkRole::paper || link.entry == no_index) continue;
        const Entry& entry = catalog.entries[link.entry];
        if (!entry.title.empty() && entry.title != "-" && !paper.title.empty()) {
            const double similarity = title_similarity(entry.title, paper.title);
            if (similarity < title_mismatch_threshold)
                c.add("title_mismatch", "warning",
                      fmt::format("the list's title \"{}\" and arXiv's \"{}\" differ (similarity {:.2f}): the paper "
                                  "link may point at another paper",
                                  entry.title, paper.title, similarity),
                      link, url, paper.title);
        }
        if (venues == nullptr) continue;
        const auto inferred = infer_venue(paper_from(paper), *venues);
        for (const auto& f : compare_venue(entry.publication, inferred, *venues)) {
            const std::string kind(to_string(f.kind));
            c.add(kind, f.kind == VenueFindingKind::year_mismatch ? "info" : "warning", f.message, link, url,
                  f.evidence);
        }
    }
}

void repo_findings(const Catalog& catalog, RunOutcome& out, const MetadataPolicy& policy, Collector& c) {
    std::set<std::size_t> placeholder_links;
    for (const auto& f : catalog.findings)
        if (f.kind == FindingKind::placeholder_link && f.link != no_index) placeholder_links.insert(f.link);
    for (std::size_t t = 0; t < catalog.targets.size(); ++t) {
        if (!out.repos[t]) continue;
        const RepoMeta& repo = *out.repos[t];
        const Target& target = catalog.targets[t];
        const Link& first = catalog.links[target.occurrences.front()];
        const std::string listed(first.info.id());
        if (repo.archived)
            c.add("archived_repo", "warning", fmt::format("repository {} is archived (read-only)", listed), first,
                  target.url);
        if (repo.disabled)
            c.add("disabled_repo", "warning", fmt::format("repository {} is disabled by GitHub", listed), first,
                  target.url);
        if (!repo.name_with_owner.empty() && !text::iequals(repo.name_with_owner, listed))
            c.add("renamed_repo", "info",
                  fmt::format("repository {} is now {}: update the link", listed, repo.name_with_owner), first,
                  target.url, "https://github.com/" + repo.name_with_owner);
        const std::string& last = repo.last_commit_at.empty() ? repo.pushed_at : repo.last_commit_at;
        if (const auto days = days_since(last, policy.now); days && *days > policy.stale_after_days)
            c.add("stale_repo", "info",
                  fmt::format("repository {} has had no commit for {} days (last: {})", listed, *days, last.substr(0, 10)),
                  first, target.url, last);
        for (std::size_t li : target.occurrences) {
            if (placeholder_links.count(li) == 0 || repo.stale_copy || last.empty()) continue;
            const Link& link = catalog.links[li];
            c.add("placeholder_now_available", "info",
                  fmt::format("link text \"{}\" says the code is not out yet, but {} exists (last commit {})", link.text,
                              listed, last.substr(0, 10)),
                  link, target.url);
        }
    }
}

void archive_findings(const Catalog& catalog, RunOutcome& out, Collector& c) {
    for (std::size_t t = 0; t < catalog.targets.size(); ++t) {
        if (out.archive_urls[t].empty() || out.results[t].verdict != Verdict::dead) continue;
        const Link& first = catalog.links[catalog.targets[t].occurrences.front()];
        c.add("dead_link_archive", "info", fmt::format("an archived copy exists: {}", out.archive_urls[t]), first,
              catalog.targets[t].url, out.archive_urls[t]);
    }
}

// For a code cell with a placeholder and no link: a github.com repository named in the
// paper's arXiv comment is a candidate.
void suggestions(const Catalog& catalog, RunOutcome& out) {
    static const std::regex github_url(R"(github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+))", std::regex::icase);
    for (const Entry& e : catalog.entries) {
        bool placeholder_code = false;
        for (const auto& cell : e.cells)
            if (text::icontains(cell.column, "code") && is_placeholder_text(cell.text)) placeholder_code = true;
        if (!placeholder_code) continue;
        for (std::size_t li : e.links) {
            const Link& link = catalog.links[li];
            if (link.target == no_index || !out.papers[link.target]) continue;
            const PaperMeta& paper = *out.papers[link.target];
            std::smatch m;
            if (!std::regex_search(paper.comment, m, github_url)) continue;
            std::string repo = m[2].str();
            while (!repo.empty() && (repo.back() == '.' || repo.back() == ',')) repo.pop_back();
            out.suggestions.push_back(Suggestion{e.display_name(), e.line,
                                                 fmt::format("https://github.com/{}/{}", m[1].str(), repo),
                                                 fmt::format("arXiv:{} comment: {}", paper.id, paper.comment)});
        }
    }
}

}  // namespace

void add_metadata_findings(const Catalog& catalog, RunOutcome& out, const VenueAliases* venues,
                           const MetadataPolicy& policy) {
    Collector c(catalog, out);
    paper_findings(catalog, out, venues, c);
    repo_findings(catalog, out, policy, c);
    archive_findings(catalog, out, c);
    suggestions(catalog, out);
}

}  // namespace ah
