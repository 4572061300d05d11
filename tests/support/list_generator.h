// Generates large awesome-style Markdown lists (tables of papers and code) for tests and benchmarks.
#pragma once

#include <cstddef>
#include <string>

namespace ah::testing {

struct GeneratedListShape {
    std::size_t rows = 0;   // table rows written
    std::size_t links = 0;  // links written (Markdown destinations)
};

// Appends tables until `target_bytes` is reached. Rows look like the real list's: an
// arXiv/IEEE/CVF paper link, a GitHub/HuggingFace/project code link or a placeholder.
// Deterministic for a given size. `hosts` spreads project pages over that many hosts.
std::string generate_list(std::size_t target_bytes, GeneratedListShape* shape = nullptr, std::size_t hosts = 50);

}  // namespace ah::testing
