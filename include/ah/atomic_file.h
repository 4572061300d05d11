// Atomic file replacement: temp file in the same directory, fsync, rename, fsync the directory.
// A crash at any moment leaves either the old file or the new one, never a torn one.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ah/result.h"
#include "ah/text_sink.h"

namespace ah {

using TextProducer = std::function<void(TextSink&)>;

// Writes the content the callback produces straight into the temp file (buffered, in
// chunks), then replaces `path`. Nothing of the new file is kept in memory. When anything
// fails (creating, writing, syncing, renaming) the temp file is removed, `path` is left as
// it was, and the first failure is returned.
Status write_file_atomically(const std::string& path, const TextProducer& produce);

Status write_file_atomically(const std::string& path, std::string_view content);

// Several files replaced together (the reports of one run). Every file is written to a
// temporary file beside its target and flushed before any target is touched, so a write that
// fails (a full disk, a read-only directory) changes none of them; only then are they renamed
// into place, in the order staged. Staged files not committed are removed on destruction.
class AtomicFileSet {
public:
    AtomicFileSet() = default;
    ~AtomicFileSet();
    AtomicFileSet(const AtomicFileSet&) = delete;
    AtomicFileSet& operator=(const AtomicFileSet&) = delete;

    Status stage(const std::string& path, const TextProducer& produce);
    Status stage(const std::string& path, std::string_view content);
    Status commit();

private:
    struct Staged {
        std::string target, temp;
    };
    std::vector<Staged> staged_;
};

}  // namespace ah
