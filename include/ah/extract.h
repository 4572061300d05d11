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
// A std::string, not a view: md4c 0.4.8 (Debian 12) reads one byte past the end of the text
// on some inputs (valgrind showed it on tests/fuzz/regressions/extract/reads_past_end handed
// over in a block of its own size), and a string's terminating NUL makes that byte ours and
// always the same. Past a byte it did not own, what it read sent it into passing text pieces
// outside the document.
Catalog extract_catalog(const std::string& markdown, std::string source);

// Reads a list file with clear errors: missing, a directory, empty (0 bytes), over
// max_bytes, binary (NUL bytes).
Result<std::string> read_list_file(const std::string& path, std::uint64_t max_bytes);

}  // namespace ah
