// Helpers shared by the fuzz targets: the input as text, splitting it into fields, and a
// property check that stops the fuzzer loudly (libFuzzer reports an abort as a crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ah::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A violated property: says which and what was seen, then aborts so that libFuzzer (or the
// replay driver) saves and names the input.
[[noreturn]] inline void property_failed(const char* property, std::string_view seen) {
    std::fprintf(stderr, "fuzz property violated: %s\n  seen: %.*s\n", property,
                 static_cast<int>(seen.size() > 2000 ? 2000 : seen.size()), seen.data());
    std::abort();
}

inline void check(bool holds, const char* property, std::string_view seen = {}) {
    if (!holds) property_failed(property, seen);
}

// The first line (without its '\n') and the rest: several targets take parameters (the ids
// or repositories asked for) on the first line and a document after it.
struct HeadAndBody {
    std::string_view head, body;
};
inline HeadAndBody split_first_line(std::string_view s) {
    const auto nl = s.find('\n');
    // An empty body still points into the input: the parsers hand it to simdjson, whose
    // memcpy must not see the null pointer of a default-constructed view.
    if (nl == std::string_view::npos) return {s, s.substr(s.size())};
    return {s.substr(0, nl), s.substr(nl + 1)};
}

// Up to `max_fields` fields separated by `sep`; the last field keeps any further separators.
inline std::vector<std::string_view> split_fields(std::string_view s, char sep, std::size_t max_fields) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < max_fields) {
        const auto at = s.find(sep);
        if (at == std::string_view::npos) break;
        out.push_back(s.substr(0, at));
        s.remove_prefix(at + 1);
    }
    out.push_back(s);
    return out;
}

// The same as owned strings, always exactly `count` of them (missing ones empty).
inline std::vector<std::string> split_fields_owned(std::string_view s, char sep, std::size_t count) {
    std::vector<std::string> out;
    for (const auto f : split_fields(s, sep, count)) out.emplace_back(f);
    out.resize(count);
    return out;
}

// Words separated by spaces or commas, at most `max_words` (parameters on a first line).
inline std::vector<std::string> words(std::string_view s, std::size_t max_words) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < max_words) {
        while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != ',') ++i;
        if (i > start) out.emplace_back(s.substr(start, i - start));
    }
    return out;
}

// Words of the first line, without repeats by `key` (the parsers take distinct ids).
template <typename Key>
std::vector<std::string> distinct_words(std::string_view s, std::size_t max_words, Key key) {
    std::vector<std::string> out;
    std::vector<std::string> keys;
    for (auto& word : words(s, max_words)) {
        std::string k = key(word);
        bool seen = false;
        for (const auto& other : keys) seen = seen || other == k;
        if (seen) continue;
        keys.push_back(std::move(k));
        out.push_back(std::move(word));
    }
    return out;
}

// A document reader's Result: an error must name the file it was given; a value must write
// back to text that reads again (named "again") and writes the same text. False on error.
template <typename Value, typename Read, typename Write>
bool check_read_write_read(const Value& read, const char* file, Read reader, Write writer, const char* what) {
    if (!read) {
        check(read.error().where.file == file, what, read.error().to_string());
        return false;
    }
    const std::string text = writer(*read);
    const auto again = reader(text, "again");
    check(again.ok(), what, again.ok() ? std::string_view(text) : std::string_view(again.error().to_string()));
    check(writer(*again) == text, what, text);
    return true;
}

}  // namespace ah::fuzz
