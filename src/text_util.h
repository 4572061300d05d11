// Small text helpers shared by the parsers: ASCII case, trimming, splitting, UTF-8 checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ah::text {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool icontains(std::string_view haystack, std::string_view needle);
std::vector<std::string_view> split(std::string_view s, char sep);
// Collapses runs of white space into one space and trims.
std::string collapse_space(std::string_view s);
// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);
// Decodes the code point of a valid sequence (see utf8_sequence_length).
char32_t utf8_decode(std::string_view s, std::size_t i, std::size_t length);
void append_utf8(std::string& out, char32_t cp);
// Cuts `s` to at most `limit` bytes without splitting a UTF-8 sequence.
void cut_utf8(std::string& s, std::size_t limit);
// Offset of the first invalid UTF-8 byte, or npos.
std::size_t find_invalid_utf8(std::string_view s);
// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace ah::text
