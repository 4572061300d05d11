// Configuration: one plain struct with defaults in member initializers, loaded from TOML
// (toml++) with command-line overrides. Precedence: command line > config file > defaults.
#pragma once

#include "ah/defaults.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ah/result.h"

namespace ah {

inline constexpr std::uint64_t default_list_max_bytes = 64ull * 1024 * 1024;
inline constexpr int default_timeout_ms = 20000;
inline constexpr int default_connect_timeout_ms = 10000;
inline constexpr int default_max_redirects = 10;
inline constexpr int default_max_retries = 3;
inline constexpr int default_max_in_flight = 128;
inline constexpr int default_per_host_in_flight = 8;
inline constexpr int default_min_interval_ms = 50;
inline constexpr int default_get_body_cap_bytes = 64 * 1024;
inline constexpr int arxiv_min_interval_ms = 3000;  // arXiv's documented rule, enforced
inline constexpr int default_stale_after_days = 365;
inline constexpr int default_confirm_after = 2;

struct HostOverride {
    std::optional<int> in_flight;
    std::optional<int> min_interval_ms;
    std::optional<std::string> method;      // "head" | "get"
    std::optional<int> timeout_ms;
    std::optional<std::string> blocked_as;  // what 401/403/429 mean here: "blocked" | "dead" | "ok"
    std::optional<bool> skip;
};

struct RemapRule {
    std::string pattern;      // ECMAScript regular expression over the whole URL
    std::string replacement;  // $1.. refer to groups
};

struct Config {
    std::string path;      // the file it was loaded from; empty when only defaults
    std::string text;      // that file's TOML as it was read (the snapshot's config_digest)
    std::string base_dir;  // relative paths in the file are relative to this directory

    struct List {
        std::string source = "tests/fixtures/awesome-rsfm-README.md";
        std::uint64_t max_bytes = default_list_max_bytes;
    } list;

    struct Check {
        int timeout_ms = default_timeout_ms;
        int connect_timeout_ms = default_connect_timeout_ms;
        int max_redirects = default_max_redirects;
        int max_retries = default_max_retries;
        int retry_base_ms = 500;
        int retry_max_ms = 30000;
        int max_in_flight = default_max_in_flight;
        int per_host_in_flight = default_per_host_in_flight;
        int min_interval_ms = default_min_interval_ms;
        std::string method = "head";
        int get_body_cap_bytes = default_get_body_cap_bytes;
        std::string user_agent = "awesome-health/" AH_VERSION " (+https://github.com/awesome-health/awesome-health)";
        std::vector<std::int64_t> blocked_statuses = {401, 403, 418, 429, 999};
        double outage_threshold = 0.5;
        int outage_min_hosts = 3;
        std::string progress = "auto";
    } check;

    struct Filter {
        std::vector<std::string> include;
        std::vector<std::string> exclude;
        std::vector<std::string> schemes = {"http", "https"};
        bool exclude_private = false;
    } filter;

    std::vector<RemapRule> remap;

    struct Network {
        std::string proxy;
        std::string ca_bundle;
        bool verify_tls = true;
        std::vector<std::string> connect_to;
        bool http2 = true;
    } network;

    std::map<std::string, HostOverride> hosts;

    struct GitHub {
        bool enabled = true;
        std::string api_url = "https://api.github.com";
        int batch_size = default_github_batch_size;
        int stale_after_days = default_stale_after_days;
    } github;

    struct Arxiv {
        bool enabled = true;
        std::string api_url = "https://export.arxiv.org";
        int batch_size = default_arxiv_batch_size;
        int min_interval_ms = arxiv_min_interval_ms;
    } arxiv;

    struct HuggingFace {
        bool enabled = true;
        std::string api_url = "https://huggingface.co";
    } huggingface;

    struct Wayback {
        bool enabled = true;
        std::string api_url = "https://archive.org";
    } wayback;

    struct Venues {
        std::string file = "data/venues.toml";
    } venues;
    std::map<std::string, std::string> venue_aliases;

    struct History {
        int confirm_after = default_confirm_after;
        std::vector<std::string> confirm_at_once;
        int keep_runs = 30;
    } history;

    struct Reports {
        std::string dir = "reports";
        std::string fail_on = "dead";
        int stars_change_percent = 20;
        int stars_change_min = 50;
    } reports;

    struct Issue {
        std::string repository;
        std::string label = "link-health";
        std::string title = "Link health report";
        std::string api_url;
    } issue;

    // `p` made absolute against base_dir (unchanged when already absolute or a URL).
    std::string resolve_path(const std::string& p) const;
};

// What one configuration key is: documented in config.toml, validated at load.
struct ConfigKeyInfo {
    std::string path;          // "check.timeout_ms"; "hosts.*.in_flight" for per-host tables
    std::string type;          // "integer", "float", "boolean", "string", "array of strings", ...
    std::string default_toml;  // the default as TOML text
    bool implemented = false;
};

std::vector<ConfigKeyInfo> config_keys();

// Loads `path` over the defaults. Unknown keys, wrong types, out-of-range values and keys
// that are not implemented yet are errors naming file:line:column.
Result<Config> load_config(const std::string& path);

// The same from TOML text already in memory; `path` names it in errors and relative paths
// in it resolve against its directory (tests and the fuzzer use "fuzz.toml").
Result<Config> parse_config(std::string_view toml_text, const std::string& path);

// Applies "key=value" overrides (value in TOML syntax; a bare word is taken as a string).
Status apply_overrides(Config& config, const std::vector<std::string>& assignments);

// The configuration used when no file is given.
Config default_config();

}  // namespace ah
