// Replays inputs through the fuzz targets without libFuzzer, so the normal (g++) and ASan
// builds run the committed regression inputs under ctest:
//   ah_fuzz_replay TARGET PATH...   (each PATH a file, or a directory of files)
// A property violation aborts, as under the fuzzer; the input's name is printed first.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Each target's LLVMFuzzerTestOneInput is compiled under the name ah_fuzz_<target>.
#define AH_FUZZ_TARGET(name) extern "C" int ah_fuzz_##name(const std::uint8_t* data, std::size_t size);
#include "fuzz_targets.inc"
#undef AH_FUZZ_TARGET

namespace {

using Entry = int (*)(const std::uint8_t*, std::size_t);

struct Target {
    std::string_view name;
    Entry entry;
};

#define AH_FUZZ_TARGET(name) Target{#name, ah_fuzz_##name},
constexpr Target targets[] = {
#include "fuzz_targets.inc"
};
#undef AH_FUZZ_TARGET

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::vector<fs::path> out;
    if (fs::is_directory(path)) {
        for (const auto& e : fs::directory_iterator(path))
            if (e.is_regular_file()) out.push_back(e.path());
        std::sort(out.begin(), out.end());
    } else {
        out.push_back(path);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s TARGET PATH...\ntargets:", argv[0]);
        for (const auto& t : targets) std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
        std::fprintf(stderr, "\n");
        return 2;
    }
    const auto target = std::find_if(std::begin(targets), std::end(targets),
                                     [&](const Target& t) { return t.name == argv[1]; });
    if (target == std::end(targets)) {
        std::fprintf(stderr, "no fuzz target named '%s'\n", argv[1]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 2; i < argc; ++i) {
        if (!std::filesystem::exists(argv[i])) {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 2;
        }
        for (const auto& file : inputs_of(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::fprintf(stderr, "%s: %s\n", argv[1], file.c_str());
            // In a block of exactly its size, as libFuzzer hands it over: a string's spare
            // capacity and NUL would hide a read past the end from ASan and valgrind.
            const auto exact = std::make_unique<std::uint8_t[]>(std::max<std::size_t>(bytes.size(), 1));
            std::copy(bytes.begin(), bytes.end(), exact.get());
            target->entry(exact.get(), bytes.size());
            ++replayed;
        }
    }
    std::printf("%s: %zu inputs replayed, no property violated\n", argv[1], replayed);
    return 0;
}
