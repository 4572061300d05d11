// Atomic file replacement: temp file in the same directory, fsync, rename, fsync the directory.
// A crash at any moment leaves either the old file or the new one, never a torn one.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ah/result.h"
#include "ah/text_sink.h"

namespace ah {

// Writes the content the callback produces straight into the temp file (buffered, in
// chunks), then replaces `path`. Nothing of the new file is kept in memory. When anything
// fails (creating, writing, syncing, renaming) the temp file is removed, `path` is left as
// it was, and the first failure is returned.
Status write_file_atomically(const std::string& path, const std::function<void(TextSink&)>& produce);

Status write_file_atomically(const std::string& path, std::string_view content);

}  // namespace ah
