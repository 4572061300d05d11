// The commands of the CLI: option structs filled by main.cpp and one entry point each.
#pragma once

#include <string>
#include <vector>

#include "ah/config.h"
#include "ah/diff.h"
#include "ah/snapshot.h"
#include "ah/result.h"

namespace ah {

inline constexpr int exit_healthy = 0;
inline constexpr int exit_findings = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_network = 3;

struct GlobalOptions {
    std::string config_path;             // empty: ./config.toml if present, else defaults
    std::vector<std::string> overrides;  // --set KEY=VALUE
};

struct DumpOptions {
    std::string format = "json";
    std::string list;  // overrides list.source
};

// Loads the configuration as the command line says (file, then --set overrides).
Result<Config> load_effective_config(const GlobalOptions& global);

// With a GitHub token in the environment, the process is made non-dumpable: a crash writes no
// core file (which would hold the environment) and other processes of the same user cannot
// read its memory through ptrace or /proc.
void keep_token_out_of_core_dumps();

// Prints an error in the one format every command uses.
void print_error(const Error& error);

struct CheckOptions {
    std::string list;  // overrides list.source
    bool quiet = false;
    bool sync_issue = false;  // run `issue` after a check that wrote its reports
};

struct IssueOptions {
    bool dry_run = false;
    std::string report;  // diff.json to read; default: reports.dir/diff.json
};

struct DiffOptions {
    std::string old_path, new_path;
    std::string format = "md";  // md | json | html
    std::string output;         // empty or "-": stdout
};

struct RenderOptions {
    std::string snapshot_path;
    std::string format = "html";  // html | md | json
    std::string output;
};

int run_dump(const GlobalOptions& global, const DumpOptions& options);
int run_diff(const GlobalOptions& global, const DiffOptions& options);
int run_render(const GlobalOptions& global, const RenderOptions& options);
int run_issue(const GlobalOptions& global, const IssueOptions& options);
int run_check(const GlobalOptions& global, const CheckOptions& options);

}  // namespace ah
