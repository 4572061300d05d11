// What diff.md and the issue comment promise about untrusted text (diff.h: "no mentions, no
// raw HTML, no broken tables"), checked on a whole rendered document.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "support/fuzz_support.h"

namespace ah::fuzz {

// The only HTML the renderers write themselves.
inline constexpr std::array<std::string_view, 5> own_html_tags = {
    "<!-- awesome-health:tracking-issue -->", "<details>", "</details>", "<summary>", "</summary>"};

inline bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Pipes that end a GitHub table cell: GFM escapes any '|' written right after a backslash.
inline std::size_t cell_separators(std::string_view line) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
    return n;
}

// No '<' but the renderers' own tags (a document cut at its size limit may end inside one),
// and no '@' that GitHub would link as a mention.
inline void check_no_html_or_mention(std::string_view doc) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
        if (doc[i] == '<') {
            bool own = false;
            for (const auto tag : own_html_tags) {
                const std::string_view here = doc.substr(i, tag.size());
                if (here == tag || (i + here.size() == doc.size() && tag.substr(0, here.size()) == here)) own = true;
            }
            check(own, "markdown: raw '<' that is not one of the renderer's own tags", doc.substr(i, 80));
        }
        if (doc[i] == '@' && i + 1 < doc.size())
            check(!is_name_char(doc[i + 1]), "markdown: an @mention GitHub would link", doc.substr(i, 80));
    }
}

// Calls `f` with each line; a document that may be cut at its size limit skips its last
// line, which may be partial.
template <typename F>
void for_each_line(std::string_view doc, bool may_be_cut, F f) {
    std::size_t start = 0;
    while (start < doc.size()) {
        auto end = doc.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = doc.size();
        if (last && may_be_cut) return;
        f(doc.substr(start, end - start));
        start = end + 1;
    }
}

// diff_to_markdown: only the renderer's own lines, and every table row exactly six cells on
// one line. `may_be_cut`: the document hit its size limit, so its last line may be partial.
inline void check_diff_markdown(std::string_view doc, bool may_be_cut) {
    check_no_html_or_mention(doc);
    bool in_table = false;
    for_each_line(doc, may_be_cut, [&](std::string_view line) {
        if (line.starts_with("|---|")) {
            in_table = true;
            return;
        }
        if (in_table && !line.empty()) {
            check(line.starts_with("| ") && line.ends_with(" |"), "markdown: a table row broken across lines", line);
            check(cell_separators(line) == 7, "markdown: a table row with a cell too many or too few", line);
            return;
        }
        in_table = false;
        const bool known = line.empty() || line == own_html_tags[0] || line.starts_with("**Link health**: ") ||
                           line.starts_with("> Note: ") || line.starts_with("### ") ||
                           line.starts_with("<details><summary>") || line == "</details>" ||
                           line.starts_with("\xE2\x80\xA6" "and ") ||  // "…and N more"
                           line.starts_with("| Entry | Section | Link |");
        check(known, "markdown: a line the renderer does not write (text broke out of its cell)", line);
    });
}

// new_items_comment: a heading line, then "- " items, one per line.
inline void check_new_items_comment(std::string_view doc, bool may_be_cut) {
    check_no_html_or_mention(doc);
    for_each_line(doc, may_be_cut, [](std::string_view line) {
        const bool known = line.empty() || line.starts_with("**") || line.starts_with("- ") ||
                           line.starts_with("\xE2\x80\xA6" "and ");
        check(known, "markdown: a comment line the renderer does not write (text broke out of its item)", line);
    });
}

}  // namespace ah::fuzz
