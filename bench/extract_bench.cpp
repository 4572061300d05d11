// Extraction throughput (MB/s) and peak RSS on a generated list of at least 50 MB.
// Usage: ah_bench_extract [MEGABYTES=50] [REPEATS=3]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ah/extract.h"
#include "support/list_generator.h"

int main(int argc, char** argv) {
    const std::size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 50;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    ah::testing::GeneratedListShape shape;
    const std::string list = ah::testing::generate_list(megabytes << 20, &shape);
    std::printf("list: %.1f MB, %zu rows, %zu links\n", static_cast<double>(list.size()) / (1 << 20), shape.rows,
                shape.links);
    double best = 1e30;
    std::size_t targets = 0;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const ah::Catalog c = ah::extract_catalog(list, "generated.md");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, seconds);
        targets = c.targets.size();
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("extract: best of %d: %.3f s, %.1f MB/s, %zu unique targets\n", repeats, best,
                static_cast<double>(list.size()) / (1 << 20) / best, targets);
    std::printf("peak RSS: %.1f MB (list text itself: %.1f MB)\n", static_cast<double>(usage.ru_maxrss) / 1024,
                static_cast<double>(list.size()) / (1 << 20));
    return 0;
}
