// Fuzz target: Markdown neutralising for the tracking issue (markdown_cell, markdown_url) and
// the documents built on it (diff_to_markdown, issue_body, new_items_comment). Checks what
// diff.h promises: "no mentions, no raw HTML, no broken tables", in detail:
//  - a cell has no line break, no raw < or >, no unescaped | # or other Markdown
//    punctuation, every @ is broken by a zero-width space, every & starts an entity
//    written by markdown_cell, and unescaping gives the text back (line breaks and tabs
//    become spaces);
//  - a link target has no white space, control character, ( ) < > | " ` or @;
//  - whole documents: see support/markdown_properties.h.
// Input: up to seven fields separated by NUL bytes, used as the text of a diff's changes.
#include <array>
#include <string>

#include "ah/diff.h"
#include "ah/github_issue.h"
#include "support/fuzz_support.h"
#include "support/markdown_properties.h"

using ah::fuzz::check;

namespace {

constexpr std::string_view zero_width_space = "&#8203;";
constexpr std::string_view escaped_punctuation = "\\`*_[]#~!|";

std::string unescape_cell(std::string_view cell) {
    static constexpr std::array<std::pair<std::string_view, char>, 3> entities = {
        {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}}};
    std::string out;
    for (std::size_t i = 0; i < cell.size();) {
        const char c = cell[i];
        if (c == '\\') {
            check(i + 1 < cell.size() && escaped_punctuation.find(cell[i + 1]) != std::string_view::npos,
                  "markdown_cell: a backslash escapes punctuation", cell.substr(i, 40));
            out += cell[i + 1];
            i += 2;
        } else if (c == '@') {
            check(cell.substr(i + 1, zero_width_space.size()) == zero_width_space,
                  "markdown_cell: every @ is followed by a zero-width space", cell.substr(i, 40));
            out += '@';
            i += 1 + zero_width_space.size();
        } else if (c == '&') {
            bool decoded = false;
            for (const auto& [entity, plain] : entities)
                if (cell.substr(i, entity.size()) == entity) {
                    out += plain;
                    i += entity.size();
                    decoded = true;
                    break;
                }
            check(decoded, "markdown_cell: every & starts an entity markdown_cell writes", cell.substr(i, 40));
        } else {
            check(escaped_punctuation.find(c) == std::string_view::npos, "markdown_cell: unescaped punctuation",
                  cell.substr(i, 40));
            check(c != '<' && c != '>' && c != '\n' && c != '\r',
                  "markdown_cell: no raw < > and no line break", cell.substr(i, 40));
            out += c;
            ++i;
        }
    }
    return out;
}

void check_cell(std::string_view text) {
    std::string expected(text);
    for (char& c : expected)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    const std::string cell = ah::markdown_cell(text);
    check(unescape_cell(cell) == expected, "markdown_cell: unescaping gives the text back", cell);
}

void check_url(std::string_view url) {
    const std::string target = ah::markdown_url(url);
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        check(u > 0x20 && u != 0x7f, "markdown_url: no white space or control character", target);
        check(std::string_view("()<>|\"`@").find(c) == std::string_view::npos,
              "markdown_url: no ( ) < > | \" ` @", target);
    }
}

ah::Diff diff_of(const std::vector<std::string>& f) {
    ah::Diff d;
    d.new_generated_at = "2026-11-27T02:00:00Z";
    d.old_generated_at = "2026-11-26T02:00:00Z";
    d.list_source = "README.md";
    d.targets = 12;
    // One change of every kind, the fields rotated so each text lands in every column.
    for (std::size_t k = 0; k <= static_cast<std::size_t>(ah::ChangeKind::entry_removed); ++k) {
        const auto at = [&](std::size_t i) { return f[(i + k) % f.size()]; };
        d.changes.push_back(ah::Change{static_cast<ah::ChangeKind>(k), at(0), at(1), at(2), at(3),
                                       static_cast<int>(k), at(4), at(5), at(6)});
    }
    return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = ah::fuzz::as_text(data, size);
    check_cell(input);
    check_url(input);

    constexpr std::size_t field_count = 7;
    const std::vector<std::string> fields = ah::fuzz::split_fields_owned(input, '\0', field_count);
    const ah::Diff diff = diff_of(fields);

    ah::fuzz::check_diff_markdown(ah::issue_body(diff), false);
    // A limit from the input's size: small enough that sections are cut and folded.
    const std::size_t limit = 400 + size % 4000;
    const std::string cut = ah::issue_body(diff, limit);
    check(cut.size() <= limit, "issue_body: at most the limit", cut);
    ah::fuzz::check_diff_markdown(cut, true);
    ah::fuzz::check_new_items_comment(ah::new_items_comment(diff), false);
    const std::string comment = ah::new_items_comment(diff, limit);
    check(comment.size() <= limit, "new_items_comment: at most the limit", comment);
    ah::fuzz::check_new_items_comment(comment, true);
    return 0;
}
