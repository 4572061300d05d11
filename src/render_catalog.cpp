// `dump` output: the extracted Catalog as JSON or as a readable text listing.
#include "ah/render_catalog.h"

#include <map>

#include <fmt/format.h>

#include "ah/json_writer.h"

namespace ah {

namespace {

void write_link_identity(JsonWriter& w, const UrlInfo& info) {
    switch (info.kind) {
        case LinkKind::github_repo:
            w.field("repo", info.id);
            if (!info.subpath.empty()) w.field("subpath", info.subpath);
            break;
        case LinkKind::github_other:
            if (!info.id.empty()) w.field("github_owner", info.id);
            break;
        case LinkKind::arxiv:
            w.field("arxiv_id", info.id);
            if (!info.version.empty()) w.field("arxiv_version", std::stoi(info.version));
            break;
        case LinkKind::ieee: w.field("ieee_document", info.id); break;
        case LinkKind::doi: w.field("doi", info.id); break;
        case LinkKind::huggingface_model:
        case LinkKind::huggingface_dataset:
        case LinkKind::huggingface_space:
        case LinkKind::huggingface_org: w.field("huggingface_id", info.id); break;
        default: break;
    }
}

std::map<std::string_view, std::size_t> count_findings(const Catalog& c) {
    std::map<std::string_view, std::size_t> counts;
    for (const auto& f : c.findings) ++counts[to_string(f.kind)];
    return counts;
}

}  // namespace

std::string catalog_to_json(const Catalog& c) {
    JsonWriter w;
    w.begin_object();
    w.field("source", c.source);
    w.key("summary").begin_object();
    w.field("entries", c.entries.size());
    w.field("links", c.links.size());
    w.field("targets", c.targets.size());
    w.field("findings", c.findings.size());
    w.key("findings_by_kind").begin_object();
    for (const auto& [kind, n] : count_findings(c)) w.field(kind, n);
    w.end_object();
    w.end_object();

    w.key("headings").begin_array();
    for (const auto& h : c.headings) {
        w.begin_object().field("level", h.level).field("text", h.text).field("slug", h.slug).field("line", h.line);
        w.end_object();
    }
    w.end_array();

    w.key("entries").begin_array();
    for (std::size_t i = 0; i < c.entries.size(); ++i) {
        const Entry& e = c.entries[i];
        w.begin_object();
        w.field("index", i).field("line", e.line).field("section", e.section());
        w.key("section_path").begin_array();
        for (const auto& s : e.section_path) w.value(s);
        w.end_array();
        w.field("abbreviation", e.abbreviation).field("title", e.title);
        w.key("cells").begin_object();
        for (const auto& cell : e.cells) w.field(cell.column, cell.text);
        w.end_object();
        w.field("publication", e.publication.raw);
        w.key("venue");
        if (e.publication.venue.empty()) w.null(); else w.value(e.publication.venue);
        w.key("year");
        if (e.publication.year == 0) w.null(); else w.value(e.publication.year);
        w.field("venue_kind", to_string(e.publication.kind));
        if (!e.publication.qualifier.empty()) w.field("venue_qualifier", e.publication.qualifier);
        w.key("links").begin_array();
        for (std::size_t li : e.links) w.value(li);
        w.end_array();
        w.end_object();
    }
    w.end_array();

    w.key("links").begin_array();
    for (std::size_t i = 0; i < c.links.size(); ++i) {
        const Link& l = c.links[i];
        w.begin_object();
        w.field("index", i);
        w.field("url", mask_credentials(l.info.url().empty() ? std::string_view(l.raw) : l.info.url()));
        if (l.raw != l.info.url()) w.field("raw", mask_credentials(l.raw));
        if (l.info.has_fragment()) w.field("fragment", l.info.fragment());
        w.field("text", l.text).field("line", l.line).field("column", l.column);
        w.field("role", to_string(l.role)).field("kind", to_string(l.info.kind())).field("syntax", to_string(l.syntax));
        write_link_identity(w, l.info.unpack());
        if (!l.column_name.empty()) w.field("table_column", l.column_name);
        w.key("entry");
        if (l.entry == no_index) w.null(); else w.value(l.entry);
        w.key("target");
        if (l.target == no_index) w.null(); else w.value(l.target);
        if (!l.info.problem().empty()) w.field("problem", l.info.problem());
        w.end_object();
    }
    w.end_array();

    w.key("targets").begin_array();
    for (std::size_t i = 0; i < c.targets.size(); ++i) {
        const Target& t = c.targets[i];
        w.begin_object().field("index", i).field("url", mask_credentials(t.url)).field("kind", to_string(t.kind));
        w.key("occurrences").begin_array();
        for (std::size_t li : t.occurrences) w.value(li);
        w.end_array();
        w.end_object();
    }
    w.end_array();

    w.key("findings").begin_array();
    for (const auto& f : c.findings) {
        w.begin_object();
        w.field("kind", to_string(f.kind)).field("severity", to_string(f.severity)).field("message", f.message);
        w.field("line", f.line).field("column", f.column);
        if (f.entry != no_index) w.field("entry", f.entry);
        if (f.link != no_index) w.field("link", f.link);
        if (!f.url.empty()) w.field("url", mask_credentials(f.url));
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

std::string catalog_to_text(const Catalog& c) {
    std::string out;
    out += fmt::format("{}: {} entries, {} links, {} unique targets, {} findings\n", c.source, c.entries.size(),
                       c.links.size(), c.targets.size(), c.findings.size());
    std::string section;
    for (const Entry& e : c.entries) {
        if (e.section() != section) {
            section = e.section();
            out += fmt::format("\n## {}\n", section.empty() ? "(no heading)" : section);
        }
        std::string venue = e.publication.venue;
        if (e.publication.year != 0) venue += fmt::format(" {}", e.publication.year);
        if (!e.publication.qualifier.empty()) venue += " " + e.publication.qualifier;
        out += fmt::format("  {:>4}  {} — {} [{}]\n", e.line, e.abbreviation.empty() ? "-" : e.abbreviation, e.title,
                           venue.empty() ? "-" : venue);
        for (std::size_t li : e.links) {
            const Link& l = c.links[li];
            out += fmt::format("        {:<8} {:<18} {}\n", to_string(l.role), to_string(l.info.kind()),
                               mask_credentials(l.info.url().empty() ? std::string_view(l.raw) : l.info.url()));
        }
    }
    if (!c.findings.empty()) {
        out += "\nFindings:\n";
        for (const auto& f : c.findings)
            out += fmt::format("  {}:{}:{}: {} [{}] {}\n", c.source, f.line, f.column, to_string(f.severity),
                               to_string(f.kind), f.message);
    }
    return out;
}

}  // namespace ah
