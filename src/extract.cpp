// Extraction: walks the Markdown with md4c and builds the Catalog (links, entries, targets,
// offline findings). md4c hands out pointers into our buffer; everything is copied out here.
#include "ah/extract.h"

#include <md4c.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <tuple>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ah/slug.h"
#include "html_attributes.h"
#include "text_util.h"

namespace ah {

std::string_view to_string(LinkRole role) {
    switch (role) {
        case LinkRole::paper: return "paper";
        case LinkRole::code: return "code";
        case LinkRole::project: return "project";
        case LinkRole::other: return "other";
        case LinkRole::image: return "image";
    }
    return "other";
}

std::string_view to_string(LinkSyntax syntax) {
    switch (syntax) {
        case LinkSyntax::inline_link: return "inline";
        case LinkSyntax::reference: return "reference";
        case LinkSyntax::autolink: return "autolink";
        case LinkSyntax::html_href: return "html_href";
        case LinkSyntax::html_src: return "html_src";
        case LinkSyntax::image: return "image";
    }
    return "inline";
}

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::error: return "error";
    }
    return "info";
}

std::string_view to_string(FindingKind kind) {
    switch (kind) {
        case FindingKind::empty_link: return "empty_link";
        case FindingKind::placeholder: return "placeholder";
        case FindingKind::placeholder_link: return "placeholder_link";
        case FindingKind::broken_anchor: return "broken_anchor";
        case FindingKind::anchor_case: return "anchor_case";
        case FindingKind::malformed_url: return "malformed_url";
        case FindingKind::duplicate_url: return "duplicate_url";
        case FindingKind::invalid_utf8: return "invalid_utf8";
    }
    return "unknown";
}

const std::string& Entry::section() const {
    static const std::string none;
    return section_path.empty() ? none : section_path.back();
}

const std::string* Entry::cell(std::string_view column) const {
    for (const auto& c : cells)
        if (text::iequals(c.column, column)) return &c.text;
    return nullptr;
}

const std::string& Entry::display_name() const {
    if (!abbreviation.empty() && abbreviation != "-") return abbreviation;
    return title;
}

// Cell texts that stand for "no link yet". "Comming" is how the list spells it.
bool is_placeholder_text(std::string_view raw) {
    static constexpr std::array placeholders = {"null", "-", "--", "comming soon", "coming soon", "soon",
                                                "tbd", "todo", "n/a", "none", "to be released",
                                                "will be released", "release soon"};
    const std::string s = text::to_lower(text::collapse_space(raw));
    for (const char* p : placeholders)
        if (s == p) return true;
    return false;
}

namespace {

constexpr std::size_t max_invalid_utf8_findings = 20;

LinkRole role_for_column(std::string_view column) {
    const std::string c = text::to_lower(column);
    if (c.find("paper") != std::string::npos) return LinkRole::paper;
    if (c.find("code") != std::string::npos || c.find("weight") != std::string::npos) return LinkRole::code;
    static constexpr std::array page_words = {"link", "project", "dataset", "homepage", "page", "website",
                                              "demo", "data"};
    for (const char* w : page_words)
        if (c.find(w) != std::string::npos) return LinkRole::project;
    return LinkRole::other;
}

bool is_link_column(std::string_view column) { return role_for_column(column) != LinkRole::other; }

bool is_publication_column(std::string_view column) {
    return text::iequals(column, "publication") || text::iequals(column, "venue");
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// 1-based line and column (in code points) of byte offsets, by binary search over line starts.
// `line_map` translates lines of a prepared copy back to the lines of the file as written.
class LineIndex {
public:
    LineIndex(std::string_view doc, std::vector<int> line_map) : doc_(doc), line_map_(std::move(line_map)) {
        starts_.push_back(0);
        for (std::size_t i = 0; i < doc.size(); ++i)
            if (doc[i] == '\n') starts_.push_back(i + 1);
    }
    std::pair<int, int> position(std::size_t offset) const {
        const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
        const std::size_t line = static_cast<std::size_t>(it - starts_.begin());
        const std::size_t start = starts_[line - 1];
        // Positions are asked for in document order, mostly several per line: continue
        // counting from the last answer on the same line instead of from the line start.
        std::size_t from = start;
        int column = 1;
        if (memo_line_ == line && memo_offset_ <= offset) {
            from = memo_offset_;
            column = memo_column_;
        }
        for (std::size_t i = from; i < offset && i < doc_.size(); ++i)
            if ((static_cast<unsigned char>(doc_[i]) & 0xC0) != 0x80) ++column;
        memo_line_ = line;
        memo_offset_ = offset;
        memo_column_ = column;
        const int original = line - 1 < line_map_.size() ? line_map_[line - 1] : static_cast<int>(line);
        return {original, column};
    }

private:
    std::string_view doc_;
    std::vector<int> line_map_;
    std::vector<std::size_t> starts_;
    mutable std::size_t memo_line_ = 0;
    mutable std::size_t memo_offset_ = 0;
    mutable int memo_column_ = 1;
};

bool is_blank(std::string_view line) { return text::trim(line).empty(); }

// Cells of a table row "|a|b|" -> 2 (escaped pipes do not split).
std::size_t count_cells(std::string_view line) {
    line = text::trim(line);
    if (!line.empty() && line.front() == '|') line.remove_prefix(1);
    if (!line.empty() && line.back() == '|' && (line.size() < 2 || line[line.size() - 2] != '\\')) line.remove_suffix(1);
    std::size_t cells = 1;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\') ++i;
        else if (line[i] == '|') ++cells;
    }
    return cells;
}

// A GFM delimiter row: "|:---|---:|" (pipes, colons, dashes and spaces, at least one dash).
bool is_delimiter_row(std::string_view line) {
    line = text::trim(line);
    if (line.empty() || line.find('-') == std::string_view::npos) return false;
    bool pipe = false;
    for (char c : line) {
        if (c == '|') pipe = true;
        else if (c != '-' && c != ':' && c != ' ' && c != '\t') return false;
    }
    return pipe;
}

// GitHub (cmark-gfm) lets a table interrupt a paragraph; md4c 0.4.8 does not, and would
// read such a table as text (the list's "Relevant Projects" table follows a line of prose).
// Where that happens we insert a blank line before the header row, and map lines back.
struct PreparedText {
    std::string text;           // empty when nothing needed changing
    std::vector<int> line_map;  // prepared line index -> line in the file
};

PreparedText prepare_gfm_tables(std::string_view doc) {
    std::vector<std::string_view> lines = text::split(doc, '\n');
    std::vector<std::size_t> insert_before;
    bool in_fence = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view trimmed = text::trim(lines[i]);
        if (trimmed.rfind("```", 0) == 0 || trimmed.rfind("~~~", 0) == 0) in_fence = !in_fence;
        if (in_fence || i < 1 || i + 1 >= lines.size()) continue;
        if (!is_delimiter_row(lines[i + 1]) || trimmed.find('|') == std::string_view::npos) continue;
        if (count_cells(lines[i]) != count_cells(lines[i + 1])) continue;
        const std::string_view before = text::trim(lines[i - 1]);
        if (is_blank(before) || before.front() == '|' || before.front() == '#' || is_delimiter_row(before)) continue;
        insert_before.push_back(i);
    }
    PreparedText prepared;
    if (insert_before.empty()) return prepared;
    prepared.text.reserve(doc.size() + insert_before.size());
    std::size_t next = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (next < insert_before.size() && insert_before[next] == i) {
            prepared.text += '\n';
            prepared.line_map.push_back(static_cast<int>(i + 1));
            ++next;
        }
        prepared.text += lines[i];
        if (i + 1 < lines.size()) prepared.text += '\n';
        prepared.line_map.push_back(static_cast<int>(i + 1));
    }
    return prepared;
}

struct OpenLink {
    std::string href;
    const char* href_ptr = nullptr;  // into the document, when md4c points there
    const char* text_ptr = nullptr;  // first text inside the span
    std::string text;
    bool image = false;
};

struct TableState {
    std::vector<std::string> header;
    bool in_head = false;
    std::size_t cell_index = 0;
    bool in_cell = false;
    std::string cell_text;
    std::size_t cell_links_before = 0;
    std::size_t row = no_index;  // index of the current entry
    const char* row_ptr = nullptr;
    const char* cell_ptr = nullptr;
};

class Extractor {
public:
    Extractor(std::string_view doc, PreparedText prepared, std::string source)
        : prepared_(std::move(prepared)),
          doc_(prepared_.text.empty() ? doc : std::string_view(prepared_.text)),
          lines_(doc_, std::move(prepared_.line_map)) {
        catalog_.source = std::move(source);
        reserve_for(doc_);
    }

    Catalog run() {
        MD_PARSER parser{};
        parser.abi_version = 0;
        parser.flags = MD_DIALECT_GITHUB;
        parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) { return self(u).enter_block(t, d); };
        parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) { return self(u).leave_block(t, d); };
        parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) { return self(u).enter_span(t, d); };
        parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) { return self(u).leave_span(t, d); };
        parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) { return self(u).on_text(t, s, n); };
        if (!doc_.empty()) md_parse(doc_.data(), static_cast<MD_SIZE>(doc_.size()), &parser, this);
        flush_html();
        check_utf8();
        check_anchors();
        build_targets();
        std::stable_sort(catalog_.findings.begin(), catalog_.findings.end(),
                         [](const Finding& a, const Finding& b) {
                             return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                         });
        return std::move(catalog_);
    }

private:
    static Extractor& self(void* userdata) { return *static_cast<Extractor*>(userdata); }

    // Sizes the Catalog's vectors before the walk from a quick count over the text. Grown
    // one element at a time they would hold up to twice what they need, and every
    // reallocation leaves a freed block behind that the process keeps (100,000 links are
    // 41 MB of Link). An overestimate costs address space, not memory: pages never written
    // are never resident.
    void reserve_for(std::string_view doc) {
        std::size_t links = 0, rows = 0;
        for (std::size_t at = doc.find("://"); at != std::string_view::npos; at = doc.find("://", at + 3)) ++links;
        for (std::size_t at = doc.find("]("); at != std::string_view::npos; at = doc.find("](", at + 2)) ++links;
        bool line_start = true;
        for (const char c : doc) {
            if (line_start && c == '|') ++rows;
            line_start = c == '\n' || (line_start && (c == ' ' || c == '\t'));
        }
        catalog_.links.reserve(links);
        catalog_.targets.reserve(links);
        catalog_.entries.reserve(rows);
    }

    // Whether text md4c reports can be read. Under the extract fuzz target md4c 0.4.8 passed
    // a length of 1.6 GB, and pieces starting inside or just past the document and running
    // beyond its end, after reading a byte past the end it did not own (see extract.h: the
    // text is now a std::string, whose NUL makes that byte defined). Should it happen again,
    // such text is dropped. Text from md4c's own buffers lies outside the document and is
    // only held to the document's size.
    bool fits_document(const char* s, std::size_t n) const {
        if (n > doc_.size()) return false;
        const char* end = doc_.data() + doc_.size();
        return s < doc_.data() || s > end || static_cast<std::size_t>(end - s) >= n;
    }

    bool in_doc(const char* p) const { return p != nullptr && p >= doc_.data() && p < doc_.data() + doc_.size(); }

    std::pair<int, int> position_of(const char* p) const {
        if (!in_doc(p)) return {last_line(), 0};
        return lines_.position(static_cast<std::size_t>(p - doc_.data()));
    }

    // The line of the last text md4c showed us: where an element without text of its own is.
    int last_line() const {
        return last_ptr_ == nullptr ? 1 : lines_.position(static_cast<std::size_t>(last_ptr_ - doc_.data())).first;
    }

    void note_position(const char* p) {
        if (!in_doc(p)) return;
        last_ptr_ = p;
        if (table_ && table_->row != no_index && table_->row_ptr == nullptr) table_->row_ptr = p;
        if (table_ && table_->in_cell && table_->cell_ptr == nullptr) table_->cell_ptr = p;
    }

    std::string attribute_text(const MD_ATTRIBUTE& a) const {
        std::string out;
        if (a.text == nullptr) return out;
        if (a.substr_offsets == nullptr) return std::string(a.text, a.size);
        for (std::size_t k = 0; a.substr_offsets[k] < a.size; ++k) {
            const MD_OFFSET begin = a.substr_offsets[k];
            const MD_OFFSET end = a.substr_offsets[k + 1];
            const std::string_view part(a.text + begin, end - begin);
            switch (a.substr_types[k]) {
                case MD_TEXT_ENTITY: out += decode_html_entities(part); break;
                case MD_TEXT_NULLCHAR: out += "\xEF\xBF\xBD"; break;
                default: out += part; break;
            }
        }
        return out;
    }

    // ---- blocks ----
    int enter_block(MD_BLOCKTYPE type, void* detail) {
        flush_html();
        switch (type) {
            case MD_BLOCK_H:
                in_heading_ = true;
                heading_level_ = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
                heading_text_.clear();
                heading_ptr_ = nullptr;
                break;
            case MD_BLOCK_TABLE: table_.emplace(); break;
            case MD_BLOCK_THEAD: if (table_) table_->in_head = true; break;
            case MD_BLOCK_TBODY: if (table_) table_->in_head = false; break;
            case MD_BLOCK_TR:
                if (table_) {
                    table_->cell_index = 0;
                    if (!table_->in_head) start_row();
                }
                break;
            case MD_BLOCK_TH:
            case MD_BLOCK_TD:
                if (table_) {
                    table_->in_cell = true;
                    table_->cell_ptr = nullptr;
                    table_->cell_text.clear();
                    table_->cell_links_before = catalog_.links.size();
                }
                break;
            case MD_BLOCK_HTML: in_html_block_ = true; break;
            default: break;
        }
        return 0;
    }

    int leave_block(MD_BLOCKTYPE type, void*) {
        flush_html();
        switch (type) {
            case MD_BLOCK_H: finish_heading(); break;
            case MD_BLOCK_TABLE: table_.reset(); break;
            case MD_BLOCK_TR: if (table_ && !table_->in_head) finish_row(); break;
            case MD_BLOCK_TH:
            case MD_BLOCK_TD: if (table_) finish_cell(); break;
            case MD_BLOCK_HTML: in_html_block_ = false; break;
            default: break;
        }
        return 0;
    }

    void finish_heading() {
        in_heading_ = false;
        std::string text = text::collapse_space(heading_text_);
        while (!heading_stack_.empty() && heading_stack_.back().first >= heading_level_) heading_stack_.pop_back();
        heading_stack_.emplace_back(heading_level_, text);
        Heading h;
        h.level = heading_level_;
        h.slug = slugs_.add(text);
        h.text = std::move(text);
        h.line = in_doc(heading_ptr_) ? position_of(heading_ptr_).first : last_line();
        catalog_.headings.push_back(std::move(h));
    }

    void start_row() {
        Entry e;
        e.section_path.reserve(heading_stack_.size());
        for (const auto& [level, text] : heading_stack_) e.section_path.push_back(text);
        e.cells.reserve(table_->header.size());
        catalog_.entries.push_back(std::move(e));
        table_->row = catalog_.entries.size() - 1;
        table_->row_ptr = nullptr;
    }

    void finish_row() {
        Entry& e = catalog_.entries[table_->row];
        e.line = in_doc(table_->row_ptr) ? position_of(table_->row_ptr).first : last_line();
        for (const auto& c : e.cells) {
            if (is_publication_column(c.column)) {
                e.publication = parse_publication(c.text);
                if (e.publication.placeholder) {
                    add_finding(FindingKind::placeholder, Severity::info,
                                fmt::format("'{}' has no publication ({}: \"{}\")", e.display_name(), c.column,
                                            c.text),
                                c.line ? c.line : e.line, c.column_number, table_->row, no_index, "");
                }
            }
        }
        for (const auto& c : e.cells) {
            if (!is_link_column(c.column)) continue;
            bool has_link = false;
            for (std::size_t li : e.links) has_link = has_link || catalog_.links[li].column_name == c.column;
            if (!has_link && is_placeholder_text(c.text)) {
                add_finding(FindingKind::placeholder, Severity::info,
                            fmt::format("'{}' has no {} link yet ({}: \"{}\")", e.display_name(),
                                        to_string(role_for_column(c.column)), c.column, c.text),
                            c.line ? c.line : e.line, c.column_number, table_->row, no_index, "");
            }
        }
        table_->row = no_index;
    }

    void finish_cell() {
        TableState& t = *table_;
        t.in_cell = false;
        std::string text = text::collapse_space(t.cell_text);
        if (t.in_head) {
            if (text.empty()) text = fmt::format("column {}", t.cell_index + 1);
            t.header.push_back(std::move(text));
        } else if (t.row != no_index) {
            const std::string column =
                t.cell_index < t.header.size() ? t.header[t.cell_index] : fmt::format("column {}", t.cell_index + 1);
            Entry& e = catalog_.entries[t.row];
            if (text::iequals(column, "Abbreviation")) e.abbreviation = text;
            if (text::iequals(column, "Title")) e.title = text;
            const auto [line, col] = in_doc(t.cell_ptr) ? position_of(t.cell_ptr) : std::pair<int, int>{0, 0};
            e.cells.push_back(Cell{column, std::move(text), line, col});
        }
        ++t.cell_index;
    }

    std::string current_column() const {
        if (!table_ || !table_->in_cell || table_->in_head) return {};
        const auto& t = *table_;
        return t.cell_index < t.header.size() ? t.header[t.cell_index] : fmt::format("column {}", t.cell_index + 1);
    }

    // ---- spans ----
    int enter_span(MD_SPANTYPE type, void* detail) {
        flush_html();
        if (type == MD_SPAN_A) {
            const auto* a = static_cast<MD_SPAN_A_DETAIL*>(detail);
            open_links_.push_back(OpenLink{attribute_text(a->href), a->href.text, nullptr, {}, false});
        } else if (type == MD_SPAN_IMG) {
            const auto* img = static_cast<MD_SPAN_IMG_DETAIL*>(detail);
            open_links_.push_back(OpenLink{attribute_text(img->src), img->src.text, nullptr, {}, true});
        }
        return 0;
    }

    int leave_span(MD_SPANTYPE type, void*) {
        flush_html();
        if ((type != MD_SPAN_A && type != MD_SPAN_IMG) || open_links_.empty()) return 0;
        OpenLink open = std::move(open_links_.back());
        open_links_.pop_back();
        // (An image's alt text already went to the link around it: on_text feeds every open link.)
        add_markdown_link(open);
        return 0;
    }

    LinkSyntax markdown_syntax(const OpenLink& open) const {
        if (open.image) return LinkSyntax::image;
        if (!in_doc(open.href_ptr)) return LinkSyntax::reference;  // built from escapes, or a definition
        if (open.text_ptr == open.href_ptr) return LinkSyntax::autolink;
        std::size_t i = static_cast<std::size_t>(open.href_ptr - doc_.data());
        while (i > 0 && (text::is_space(doc_[i - 1]) || doc_[i - 1] == '<')) --i;
        if (i >= 1 && doc_[i - 1] == '(') return LinkSyntax::inline_link;
        if (i >= 2 && doc_[i - 1] == ':' && doc_[i - 2] == ']') return LinkSyntax::reference;
        if (i >= 1 && doc_[i - 1] == '<') return LinkSyntax::autolink;
        return LinkSyntax::inline_link;
    }

    void add_markdown_link(const OpenLink& open) {
        Link link;
        link.raw = open.href;
        link.text = text::collapse_space(open.text);
        link.syntax = markdown_syntax(open);
        // A reference link is reported where it is used, not where it is defined.
        const char* where = (link.syntax == LinkSyntax::reference || !in_doc(open.href_ptr) || open.href.empty())
                                ? open.text_ptr
                                : open.href_ptr;
        if (!in_doc(where)) where = in_doc(open.href_ptr) ? open.href_ptr : last_ptr_;
        const auto [line, column] = position_of(where);
        link.line = line;
        link.column = column;
        add_link(std::move(link), open.image);
    }

    void add_link(Link link, bool image) {
        const UrlInfo info = classify_url(link.raw);
        link.info = PackedUrl(info);
        link.column_name = current_column();
        link.role = image ? LinkRole::image : role_for_column(link.column_name);
        if (table_ && table_->in_cell && !table_->in_head && table_->row != no_index) link.entry = table_->row;
        const std::size_t index = catalog_.links.size();
        if (link.entry != no_index) catalog_.entries[link.entry].links.push_back(index);

        const std::string where_name = link.entry != no_index ? catalog_.entries[link.entry].display_name() : "";
        if (info.kind == LinkKind::empty) {
            add_finding(FindingKind::empty_link, Severity::error,
                        where_name.empty() ? fmt::format("link \"{}\" has an empty target", link.text)
                                           : fmt::format("'{}': link \"{}\" has an empty target", where_name, link.text),
                        link.line, link.column, link.entry, index, "");
        } else if (info.kind == LinkKind::malformed) {
            add_finding(FindingKind::malformed_url, Severity::error,
                        fmt::format("malformed URL \"{}\": {}", link.raw, info.problem), link.line, link.column,
                        link.entry, index, link.raw);
        }
        if (!image && is_placeholder_text(link.text) && info.kind != LinkKind::empty) {
            add_finding(FindingKind::placeholder_link, Severity::info,
                        fmt::format("{}link text \"{}\" is a placeholder for {}",
                                    where_name.empty() ? "" : "'" + where_name + "': ", link.text,
                                    mask_credentials(info.url.empty() ? link.raw : info.url)),
                        link.line, link.column, link.entry, index, info.url);
        }
        catalog_.links.push_back(std::move(link));
    }

    // ---- text ----
    int on_text(MD_TEXTTYPE type, const MD_CHAR* s, MD_SIZE n) {
        if (!fits_document(s, n)) return 0;
        if (type == MD_TEXT_HTML) {
            note_position(s);
            extend_html(s, n);
            return 0;
        }
        flush_html();
        note_position(s);
        std::string piece;
        switch (type) {
            case MD_TEXT_ENTITY: piece = decode_html_entities(std::string_view(s, n)); break;
            case MD_TEXT_NULLCHAR: piece = "\xEF\xBF\xBD"; break;
            case MD_TEXT_BR:
            case MD_TEXT_SOFTBR: piece = " "; break;
            default: piece.assign(s, n); break;
        }
        if (in_heading_) {
            heading_text_ += piece;
            if (heading_ptr_ == nullptr && in_doc(s)) heading_ptr_ = s;
        }
        if (table_ && table_->in_cell) table_->cell_text += piece;
        for (auto& open : open_links_) {
            open.text += piece;
            if (open.text_ptr == nullptr && in_doc(s)) open.text_ptr = s;
        }
        return 0;
    }

    // ---- raw HTML ----
    void extend_html(const char* s, MD_SIZE n) {
        if (!in_doc(s)) return;
        if (html_begin_ == nullptr) html_begin_ = s;
        html_end_ = std::max(html_end_, s + n);
        if (in_heading_ && heading_ptr_ == nullptr) heading_ptr_ = s;
    }

    void flush_html() {
        if (html_begin_ == nullptr) return;
        const std::string_view region(html_begin_, static_cast<std::size_t>(html_end_ - html_begin_));
        const std::size_t base = static_cast<std::size_t>(html_begin_ - doc_.data());
        html_begin_ = html_end_ = nullptr;
        scan_html_urls(region, [&](HtmlUrlAttribute attr) {
            Link link;
            link.raw = std::move(attr.value);
            link.syntax = attr.attribute == "href" ? LinkSyntax::html_href : LinkSyntax::html_src;
            const auto [line, column] = lines_.position(base + attr.offset);
            link.line = line;
            link.column = column;
            add_link(std::move(link), attr.attribute == "src");
        });
    }

    // ---- whole-document checks ----
    void check_utf8() {
        std::size_t offset = 0;
        std::size_t reported = 0;
        int last_reported_line = 0;
        while (offset < doc_.size()) {
            const std::size_t bad = text::find_invalid_utf8(doc_.substr(offset));
            if (bad == std::string_view::npos) break;
            const std::size_t at = offset + bad;
            const auto [line, column] = lines_.position(at);
            if (line != last_reported_line) {
                last_reported_line = line;
                if (++reported <= max_invalid_utf8_findings) {
                    add_finding(FindingKind::invalid_utf8, Severity::warning,
                                fmt::format("invalid UTF-8 byte 0x{:02X} (shown as U+FFFD)",
                                            static_cast<unsigned char>(doc_[at])),
                                line, column, no_index, no_index, "");
                }
            }
            offset = at + 1;
        }
        if (reported > max_invalid_utf8_findings) {
            add_finding(FindingKind::invalid_utf8, Severity::warning,
                        fmt::format("…and {} more lines with invalid UTF-8", reported - max_invalid_utf8_findings),
                        last_reported_line, 0, no_index, no_index, "");
        }
    }

    void check_anchors() {
        std::set<std::string, std::less<>> exact;
        std::map<std::string, std::string, std::less<>> folded;
        for (const auto& h : catalog_.headings) {
            exact.insert(h.slug);
            folded.emplace(text::to_lower(h.slug), h.slug);
        }
        for (std::size_t i = 0; i < catalog_.links.size(); ++i) {
            const Link& link = catalog_.links[i];
            if (link.info.kind() != LinkKind::anchor || link.info.fragment().empty()) continue;
            const std::string fragment = percent_decode(link.info.fragment());
            if (exact.count(fragment) != 0) continue;
            if (const auto it = folded.find(text::to_lower(fragment)); it != folded.end()) {
                add_finding(FindingKind::anchor_case, Severity::warning,
                            fmt::format("anchor #{} matches heading #{} only when case is ignored", fragment,
                                        it->second),
                            link.line, link.column, link.entry, i, link.raw);
            } else {
                add_finding(FindingKind::broken_anchor, Severity::error,
                            fmt::format("anchor #{} matches no heading of the list", fragment), link.line,
                            link.column, link.entry, i, link.raw);
            }
        }
    }

    void build_targets() {
        std::map<std::string_view, std::size_t> by_url;
        for (std::size_t i = 0; i < catalog_.links.size(); ++i) {
            Link& link = catalog_.links[i];
            const LinkKind kind = link.info.kind();
            if (kind == LinkKind::anchor || kind == LinkKind::empty || kind == LinkKind::malformed) continue;
            const std::string_view key = link.info.url();
            auto [it, inserted] = by_url.try_emplace(key, catalog_.targets.size());
            if (inserted) catalog_.targets.push_back(Target{std::string(key), kind, {}});
            link.target = it->second;
            catalog_.targets[it->second].occurrences.push_back(i);
        }
        // Information: one URL given for several entries (often right: a paper and its dataset).
        for (const Target& target : catalog_.targets) {
            std::vector<std::size_t> entries;
            for (std::size_t li : target.occurrences) {
                const std::size_t e = catalog_.links[li].entry;
                if (e != no_index && std::find(entries.begin(), entries.end(), e) == entries.end()) entries.push_back(e);
            }
            if (entries.size() < 2) continue;
            std::string names;
            for (std::size_t e : entries) {
                if (!names.empty()) names += ", ";
                names += fmt::format("'{}' (line {})", catalog_.entries[e].display_name(), catalog_.entries[e].line);
            }
            const Link& first = catalog_.links[target.occurrences.front()];
            add_finding(FindingKind::duplicate_url, Severity::info,
                        fmt::format("{} is listed for {} entries: {}", mask_credentials(target.url), entries.size(),
                                    names),
                        first.line, first.column, no_index, target.occurrences.front(), target.url);
        }
    }

    void add_finding(FindingKind kind, Severity severity, std::string message, int line, int column,
                     std::size_t entry, std::size_t link, std::string url) {
        catalog_.findings.push_back(
            Finding{kind, severity, std::move(message), line, column, entry, link, std::move(url)});
    }

    PreparedText prepared_;
    std::string_view doc_;
    LineIndex lines_;
    Catalog catalog_;
    SlugRegistry slugs_;
    std::vector<std::pair<int, std::string>> heading_stack_;
    bool in_heading_ = false;
    int heading_level_ = 0;
    std::string heading_text_;
    const char* heading_ptr_ = nullptr;
    std::optional<TableState> table_;
    std::vector<OpenLink> open_links_;
    bool in_html_block_ = false;
    const char* html_begin_ = nullptr;
    const char* html_end_ = nullptr;
    const char* last_ptr_ = nullptr;
};

}  // namespace

Catalog extract_catalog(const std::string& markdown, std::string source) {
    return Extractor(markdown, prepare_gfm_tables(markdown), std::move(source)).run();
}

Result<std::string> read_list_file(const std::string& path, std::uint64_t max_bytes) {
    const auto fail = [&](std::string message) {
        return Error{ErrorKind::input, std::move(message), {path, 0, 0}, ""};
    };
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return fail("no such file (expected a Markdown list)");
        return fail(fmt::format("cannot read: {}", std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) return fail("is a directory (expected a Markdown list file)");
    if (!S_ISREG(st.st_mode)) return fail("is not a regular file (expected a Markdown list file)");
    if (st.st_size == 0) {
        // A nightly job reading an empty list would report every entry as removed.
        return fail("is empty (0 bytes): expected a Markdown list");
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        return Error{ErrorKind::input,
                     fmt::format("is {} bytes, over the limit of {} bytes", st.st_size, max_bytes),
                     {path, 0, 0},
                     "raise list.max_bytes in the configuration if this list is really that large"};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(fmt::format("cannot open: {}", std::strerror(errno)));
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (const auto nul = content.find('\0'); nul != std::string::npos) {
        const auto line = 1 + std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
        return Error{ErrorKind::input, "contains a NUL byte: this is a binary file, not a Markdown list",
                     {path, static_cast<int>(line), 0}, ""};
    }
    return content;
}

}  // namespace ah
