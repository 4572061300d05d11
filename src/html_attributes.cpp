// Raw-HTML attribute scanning for links inside Markdown (badges, <a href>, <img src>).
#include "html_attributes.h"

#include <array>
#include <utility>

#include "text_util.h"

namespace ah {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> named_entities = {{
    {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"},
    {"ndash", "\xE2\x80\x93"}, {"mdash", "\xE2\x80\x94"}, {"copy", "\xC2\xA9"}, {"hellip", "\xE2\x80\xA6"},
    {"middot", "\xC2\xB7"}}};

bool wants_attribute(std::string_view tag, std::string_view attribute) {
    if (attribute == "href") return tag == "a" || tag == "area" || tag == "link" || tag == "base";
    if (attribute == "src")
        return tag == "img" || tag == "source" || tag == "script" || tag == "iframe" || tag == "video" ||
               tag == "audio" || tag == "embed" || tag == "track";
    return false;
}

}  // namespace

std::string decode_html_entities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto semi = s.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 12) {
            out += s[i];
            continue;
        }
        const std::string_view name = s.substr(i + 1, semi - i - 1);
        bool decoded = false;
        if (name.size() >= 2 && name[0] == '#') {
            char32_t cp = 0;
            bool valid = true;
            const bool hex = name[1] == 'x' || name[1] == 'X';
            const std::string_view digits = name.substr(hex ? 2 : 1);
            valid = !digits.empty();
            for (char c : digits) {
                int v = -1;
                if (text::is_digit(c)) v = c - '0';
                else if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
                else if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
                if (v < 0 || cp > 0x10FFFF) { valid = false; break; }
                cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
            }
            if (valid) {
                if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
                text::append_utf8(out, cp);
                decoded = true;
            }
        } else {
            for (const auto& [entity, replacement] : named_entities) {
                if (name == entity) {
                    out += replacement;
                    decoded = true;
                    break;
                }
            }
        }
        if (decoded) i = semi;
        else out += s[i];
    }
    return out;
}

void scan_html_urls(std::string_view html, const std::function<void(HtmlUrlAttribute)>& found) {
    std::size_t i = 0;
    const auto at_end = [&] { return i >= html.size(); };
    const auto skip_space = [&] { while (!at_end() && text::is_space(html[i])) ++i; };
    while (!at_end()) {
        const auto open = html.find('<', i);
        if (open == std::string_view::npos) return;
        i = open + 1;
        if (html.substr(open, 4) == "<!--") {
            const auto close = html.find("-->", open + 4);
            if (close == std::string_view::npos) return;
            i = close + 3;
            continue;
        }
        std::string tag;
        while (!at_end() && (text::is_alnum(html[i]) || html[i] == '-')) tag += text::lower(html[i++]);
        if (tag.empty()) continue;  // "</x>", "<!DOCTYPE", a lone '<'
        for (;;) {
            skip_space();
            if (at_end()) return;
            if (html[i] == '>') { ++i; break; }
            if (html[i] == '/') { ++i; continue; }
            std::string name;
            while (!at_end() && !text::is_space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/')
                name += text::lower(html[i++]);
            skip_space();
            if (at_end() || html[i] != '=') continue;
            ++i;
            skip_space();
            if (at_end()) return;
            std::size_t value_start = i;
            std::size_t value_end = i;
            if (html[i] == '"' || html[i] == '\'') {
                const char quote = html[i];
                value_start = i + 1;
                const auto close = html.find(quote, value_start);
                if (close == std::string_view::npos) return;
                value_end = close;
                i = close + 1;
            } else {
                while (!at_end() && !text::is_space(html[i]) && html[i] != '>') ++i;
                value_end = i;
            }
            if (wants_attribute(tag, name)) {
                found(HtmlUrlAttribute{tag, name, decode_html_entities(html.substr(value_start, value_end - value_start)),
                                       value_start});
            }
        }
    }
}

}  // namespace ah
