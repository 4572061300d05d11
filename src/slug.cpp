// GitHub heading slugs, after github-slugger (the algorithm github.com uses for anchors).
#include "ah/slug.h"

#include <fmt/format.h>

#include "text_util.h"

namespace ah {

namespace {

// github-slugger removes Unicode punctuation and symbols and keeps letters, marks and
// numbers of every script. Without ICU we approximate the symbol classes by ranges.
bool is_removed_code_point(char32_t cp) {
    if (cp < 0x80) {
        const char c = static_cast<char>(cp);
        return !(text::is_alnum(c) || c == ' ' || c == '-' || c == '_');
    }
    return (cp >= 0x80 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) ||  // Latin-1 punctuation
           cp == 0xD7 || cp == 0xF7 ||                                                // × ÷
           (cp >= 0x2000 && cp <= 0x2BFF) ||   // general punctuation, arrows, math, dingbats
           (cp >= 0x3000 && cp <= 0x303F) ||   // CJK punctuation
           (cp >= 0xE000 && cp <= 0xF8FF) ||   // private use
           (cp >= 0xFE00 && cp <= 0xFE0F) ||   // variation selectors
           (cp >= 0xFE30 && cp <= 0xFE6F) ||   // CJK compatibility forms
           (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||  // full-width punctuation
           (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
           (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // emoji and pictographs
           cp == 0x200D || cp == 0xFEFF;
}

// ":fire:" renders as an emoji, which the slug then drops.
std::string drop_emoji_shortcodes(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ':') {
            std::size_t j = i + 1;
            while (j < s.size() && (text::is_alnum(s[j]) || s[j] == '_' || s[j] == '+' || s[j] == '-')) ++j;
            if (j < s.size() && s[j] == ':' && j > i + 1) {
                i = j;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

}  // namespace

std::string github_slug(std::string_view heading_text) {
    // Trim first: an emoji that starts the heading still leaves its '-' behind.
    const std::string cleaned = drop_emoji_shortcodes(text::trim(heading_text));
    const std::string_view s = cleaned;
    std::string slug;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = text::utf8_sequence_length(s, i);
        if (n == 0) {  // invalid byte: GitHub would have replaced it; drop it
            ++i;
            continue;
        }
        const char32_t cp = text::utf8_decode(s, i, n);
        if (!is_removed_code_point(cp)) {
            if (cp == ' ') slug += '-';
            else if (cp < 0x80) slug += text::lower(static_cast<char>(cp));
            else slug.append(s.substr(i, n));  // non-ASCII letters: lower-casing needs Unicode tables
        }
        i += n;
    }
    return slug;
}

std::string SlugRegistry::add(std::string_view heading_text) {
    const std::string base = github_slug(heading_text);
    auto [it, inserted] = seen_.try_emplace(base, 0);
    if (inserted) return base;
    // "x" then "x-1": skip any suffix that a literal heading already took.
    for (;;) {
        const std::string candidate = fmt::format("{}-{}", base, ++it->second);
        if (seen_.try_emplace(candidate, 0).second) return candidate;
    }
}

}  // namespace ah
