// Atomic file replacement: temp file in the same directory, fsync, rename, fsync the directory.
// A crash at any moment leaves either the old file or the new one, never a torn one.
#pragma once

#include <string>
#include <string_view>

#include "ah/result.h"

namespace ah {

Status write_file_atomically(const std::string& path, std::string_view content);

}  // namespace ah
