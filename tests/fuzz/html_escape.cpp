// Fuzz target: HTML escaping (html_escape, is_linkable_url) and the report page built on it
// (render_html). Checks the promises of render_html.h:
//  - escaped text has no raw < > " ', and every & starts one of the entities written;
//  - unescaping gives the input back (C0 controls but tab and newline become spaces);
//  - a linkable URL is http(s):// with a host and no white space or control character;
//  - untrusted strings cannot add markup: the page for the input has exactly as many
//    < > " ' characters as the page for a copy whose < > " ' & were spelled with letters.
// Input: up to eight fields separated by NUL bytes, used throughout a one-entry snapshot.
#include <algorithm>
#include <array>

#include "ah/render_html.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

namespace {

constexpr std::array<std::pair<std::string_view, char>, 5> entities = {
    {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}}};

std::string unescape(std::string_view escaped) {
    std::string out;
    for (std::size_t i = 0; i < escaped.size();) {
        bool decoded = false;
        if (escaped[i] == '&')
            for (const auto& [entity, c] : entities)
                if (escaped.substr(i, entity.size()) == entity) {
                    out += c;
                    i += entity.size();
                    decoded = true;
                    break;
                }
        check(decoded || escaped[i] != '&', "html_escape: every & starts an entity", escaped.substr(i, 40));
        if (!decoded) out += escaped[i++];
    }
    return out;
}

void check_escape(std::string_view text) {
    const std::string escaped = ah::html_escape(text);
    for (const char c : escaped) {
        check(c != '<' && c != '>' && c != '"' && c != '\'', "html_escape: no raw < > \" '", escaped);
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 || c == '\t' || c == '\n', "html_escape: no control characters but tab and newline", escaped);
        check(u != 0x7f, "html_escape: no DEL", escaped);
    }
    std::string expected(text);
    for (char& c : expected)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') || c == 0x7f) c = ' ';
    check(unescape(escaped) == expected, "html_escape: unescaping gives the text back", escaped);
}

void check_linkable(std::string_view url) {
    if (!ah::is_linkable_url(url)) return;
    std::string lower(url.substr(0, 8));
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
    const std::size_t host = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
    check(host != 0 && url.size() > host && url[host] != '/', "is_linkable_url: http(s):// and a host", url);
    for (const char c : url)
        check(static_cast<unsigned char>(c) > 0x20 && c != 0x7f, "is_linkable_url: no space or control", url);
}

std::string page(const std::vector<std::string>& f, std::size_t variant) {
    ah::Snapshot s;
    s.list_source = f[1];
    s.generated_at = f[2];
    s.tool = f[3];
    s.entries.push_back(ah::EntryRecord{f[4], f[5], f[6], f[7], 2024, 3, {f[0], f[1]}});
    ah::TargetRecord t;
    t.url = f[0];
    t.kind = "web";
    t.result.verdict = static_cast<ah::Verdict>(variant % 7);
    t.result.url = f[0];
    t.result.http_status = 404;
    t.result.error = f[2];
    t.result.final_url = f[3];
    t.occurrences.push_back(ah::Occurrence{3, 1, f[5], f[6], f[4]});
    t.first_failed_at = f[7];
    t.consecutive_failures = 1;
    t.archive_url = f[3];
    ah::RepoMeta repo;
    repo.name_with_owner = f[5];
    repo.url = f[0];
    repo.pushed_at = f[7];
    repo.last_commit_at = f[2];
    repo.license = f[2];
    repo.stars = 42;
    t.repo = repo;
    ah::PaperMeta paper;
    paper.id = f[5];
    paper.title = f[6];
    paper.journal_ref = f[7];
    paper.comment = f[3];
    paper.venue_evidence = f[7];
    t.paper = paper;
    s.targets.push_back(std::move(t));
    s.findings.push_back(ah::FindingRecord{f[4], f[5], f[6], 3, f[0], f[6], f[7]});
    s.suggestions.push_back(ah::Suggestion{f[6], 3, f[1], f[7]});
    s.hosts.emplace_back().host = f[1];
    s.runs.emplace_back().at = f[2];
    s.runs.emplace_back().at = f[7];
    s.warnings.push_back(f[3]);

    ah::Diff d;
    d.old_generated_at = f[7];
    d.new_generated_at = f[2];
    d.list_source = f[1];
    d.targets = 1;
    d.changes.push_back(ah::Change{static_cast<ah::ChangeKind>(variant % 11), f[4], f[0], f[5], f[6], 3, f[7], f[2], f[3]});
    d.changes.push_back(ah::Change{ah::ChangeKind::newly_dead, f[6], f[1], f[4], f[5], 3, f[3], f[7], f[0]});
    return ah::render_html(s, d);
}

std::array<std::size_t, 4> markup_counts(std::string_view html) {
    return {static_cast<std::size_t>(std::count(html.begin(), html.end(), '<')),
            static_cast<std::size_t>(std::count(html.begin(), html.end(), '>')),
            static_cast<std::size_t>(std::count(html.begin(), html.end(), '"')),
            static_cast<std::size_t>(std::count(html.begin(), html.end(), '\''))};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = ah::fuzz::as_text(data, size);
    check_escape(input);
    check_linkable(input);

    constexpr std::size_t field_count = 8;
    const std::vector<std::string> fields = ah::fuzz::split_fields_owned(input, '\0', field_count);
    for (const auto& f : fields) check_linkable(f);
    // The same texts spelled without < > " ' &, one-to-one (Z escapes itself), so texts
    // equal or distinct before stay so and the page keeps its structure.
    std::vector<std::string> inert;
    for (const auto& f : fields) {
        std::string& out = inert.emplace_back();
        for (const char c : f) {
            const auto special = std::string_view("Z<>\"'&").find(c);
            if (special == std::string_view::npos) out += c;
            else out += std::string("Z") + "Z12345"[special];
        }
    }
    const std::size_t variant = fields[0].size();
    const std::string real = page(fields, variant);
    check(markup_counts(real) == markup_counts(page(inert, variant)),
          "render_html: untrusted text added markup (more < > \" ' than the same page without them)", real);
    return 0;
}
