// A small streaming JSON writer: valid UTF-8 out whatever bytes come in, stable layout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ah/text_sink.h"

namespace ah {

class JsonWriter {
public:
    // Builds the document in memory (str(), take()).
    explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}
    // Hands the document to `sink` in chunks as it is written; finish() sends the rest.
    explicit JsonWriter(TextSink& sink, bool pretty = true) : pretty_(pretty), sink_(&sink) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(std::size_t n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(double d);
    JsonWriter& value(bool b);
    JsonWriter& null();
    // Writes a pre-rendered JSON fragment as one value.
    JsonWriter& raw(std::string_view json);

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }
    // With a sink: sends what is still buffered.
    void finish();

private:
    void before_value();
    void newline();
    void spill();  // with a sink, once the buffer is large

    std::string out_;
    bool pretty_;
    TextSink* sink_ = nullptr;
    // One frame per open container: whether it has members yet.
    std::vector<bool> has_items_;
    bool after_key_ = false;
};

// Appends `s` as a JSON string literal; invalid UTF-8 bytes become U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace ah
