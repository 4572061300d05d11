// The Catalog: what extraction found in a list — entries (table rows), links, unique targets
// and the findings that need no network.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ah/publication.h"
#include "ah/url.h"

namespace ah {

// What a link is for, from the table column it sits in.
enum class LinkRole { paper, code, project, other, image };

// How the link was written in the Markdown.
enum class LinkSyntax { inline_link, reference, autolink, html_href, html_src, image };

std::string_view to_string(LinkRole role);
std::string_view to_string(LinkSyntax syntax);

inline constexpr std::size_t no_index = static_cast<std::size_t>(-1);

struct Link {
    std::string raw;   // the target exactly as written
    std::string text;  // the link text (alt text for images)
    int line = 0;      // 1-based position of the target in the list file
    int column = 0;
    LinkRole role = LinkRole::other;
    LinkSyntax syntax = LinkSyntax::inline_link;
    PackedUrl info;  // classify_url(raw), packed
    std::string column_name;       // table column header, empty outside tables
    std::size_t entry = no_index;  // the table row it belongs to
    std::size_t target = no_index; // index into Catalog::targets; none for anchors/empty/malformed
};

struct Cell {
    std::string column;  // header text
    std::string text;    // plain text content
    int line = 0;        // where the content starts (0 for an empty cell)
    int column_number = 0;
};

struct Entry {
    std::vector<std::string> section_path;  // enclosing headings, outermost first
    int line = 0;
    std::vector<Cell> cells;
    Publication publication;
    std::vector<std::size_t> links;  // indices into Catalog::links
    std::string abbreviation;        // the row's short name ("" or "-" when it has none)
    std::string title;

    const std::string& section() const;
    const std::string* cell(std::string_view column) const;
    // "SatMAE" or, when the abbreviation is a placeholder, the title.
    const std::string& display_name() const;
};

// One distinct URL to check, with every place it occurs.
struct Target {
    std::string url;
    LinkKind kind = LinkKind::web;
    std::vector<std::size_t> occurrences;  // indices into Catalog::links
};

enum class Severity { info, warning, error };
std::string_view to_string(Severity severity);

enum class FindingKind {
    empty_link,        // [Paper]() — a link with no target
    placeholder,       // "null", "Comming soon", "-" where a link or venue belongs
    placeholder_link,  // a link whose text is a placeholder ([Comming soon](url))
    broken_anchor,     // #fragment that matches no heading
    anchor_case,       // #fragment that matches a heading only when case is ignored
    malformed_url,
    duplicate_url,     // the same URL listed for different entries
    invalid_utf8,
};
std::string_view to_string(FindingKind kind);

struct Finding {
    FindingKind kind = FindingKind::placeholder;
    Severity severity = Severity::info;
    std::string message;
    int line = 0;
    int column = 0;
    std::size_t entry = no_index;
    std::size_t link = no_index;
    std::string url;
};

struct Heading {
    int level = 1;
    std::string text;
    std::string slug;
    int line = 0;
};

struct Catalog {
    std::string source;  // file path or URL it was read from
    std::vector<Heading> headings;
    std::vector<Entry> entries;
    std::vector<Link> links;
    std::vector<Target> targets;
    std::vector<Finding> findings;
};

}  // namespace ah
