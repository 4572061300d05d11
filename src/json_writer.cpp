// Streaming JSON writer (see json_writer.h). Strings are sanitized to valid UTF-8.
#include "ah/json_writer.h"

#include <cmath>

#include <fmt/format.h>

#include "text_util.h"

namespace ah {

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = text::utf8_sequence_length(s, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{:04x}", c);
                else out += static_cast<char>(c);
        }
        ++i;
    }
    out += '"';
}

void JsonWriter::spill() {
    if (sink_ != nullptr) hand_over(out_, *sink_, text_chunk_bytes);
}

void JsonWriter::finish() {
    if (sink_ != nullptr) hand_over(out_, *sink_);
}

void JsonWriter::newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(has_items_.size() * 2, ' ');
}

void JsonWriter::before_value() {
    spill();
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_items_.empty()) {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
        newline();
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    const bool had = has_items_.back();
    has_items_.pop_back();
    if (had) newline();
    out_ += '}';
    if (has_items_.empty() && pretty_) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    const bool had = has_items_.back();
    has_items_.pop_back();
    if (had) newline();
    out_ += ']';
    if (has_items_.empty() && pretty_) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    append_json_string(out_, name);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    append_json_string(out_, s);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
}

JsonWriter& JsonWriter::value(double d) {
    before_value();
    if (std::isfinite(d)) out_ += fmt::format("{}", d);
    else out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    before_value();
    out_ += json;
    return *this;
}

}  // namespace ah
