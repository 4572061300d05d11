// Extraction: Markdown text -> Catalog, with md4c (no regular expressions over the text).
#pragma once

#include <string>
#include <string_view>

#include "ah/catalog.h"
#include "ah/result.h"

namespace ah {

// Walks the Markdown and builds the catalog: every link with line/column and role, every
// table row as an entry, unique targets and the offline findings. `source` names the list
// in findings and errors. Never fails on content: odd input becomes findings.
Catalog extract_catalog(std::string_view markdown, std::string source);

// Reads a list file with clear errors: missing, a directory, empty (0 bytes), over
// max_bytes, binary (NUL bytes).
Result<std::string> read_list_file(const std::string& path, std::uint64_t max_bytes);

}  // namespace ah
