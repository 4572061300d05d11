// Where a report's text goes as it is produced: a string in memory, or a file (see
// atomic_file.h), so a 100 MB report never has to exist in memory as a whole.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ah {

class TextSink {
public:
    virtual ~TextSink() = default;
    // Takes the next piece of text. A sink that fails remembers why and ignores the rest:
    // producers never check, the owner of the sink does once at the end.
    virtual void write(std::string_view text) = 0;
};

// Collects everything into a string (for the commands that print, and for tests).
class StringSink final : public TextSink {
public:
    explicit StringSink(std::string& out) : out_(out) {}
    void write(std::string_view text) override { out_.append(text); }

private:
    std::string& out_;
};

// What `produce` writes, as one string.
inline std::string collect_text(const std::function<void(TextSink&)>& produce) {
    std::string out;
    StringSink sink(out);
    produce(sink);
    return out;
}

// Producers fill a buffer and hand it on in pieces of about this size.
inline constexpr std::size_t text_chunk_bytes = 64 * 1024;

// For producers that build text in a buffer: sends it to `sink` and empties it once it holds
// at least `at_least` bytes (by default: whatever it holds, to finish).
inline void hand_over(std::string& buffer, TextSink& sink, std::size_t at_least = 0) {
    if (buffer.size() < at_least) return;
    sink.write(buffer);
    buffer.clear();
}

}  // namespace ah
