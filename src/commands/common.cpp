// Shared command plumbing: configuration precedence and error printing.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "commands/commands.h"

namespace ah {

void keep_token_out_of_core_dumps() {
    const char* token = std::getenv("GITHUB_TOKEN");
    if (token == nullptr || *token == '\0') return;
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void print_error(const Error& error) {
    std::fprintf(stderr, "awesome-health: error: %s\n", error.to_string().c_str());
}

Result<Config> load_effective_config(const GlobalOptions& global) {
    Config config = default_config();
    std::string path = global.config_path;
    std::error_code ec;
    if (path.empty() && std::filesystem::is_regular_file("config.toml", ec)) path = "config.toml";
    if (!path.empty()) {
        auto loaded = load_config(path);
        if (!loaded) return loaded.error();
        config = std::move(loaded.value());
    } else {
        config.base_dir = std::filesystem::current_path(ec).string();
    }
    if (auto s = apply_overrides(config, global.overrides); !s) return s.error();
    return config;
}

}  // namespace ah
