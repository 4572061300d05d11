// Configuration loading: a table of every key (type, range, default, implemented?) drives
// validation, "did you mean" suggestions, the documented defaults and the overrides.
#include "ah/config.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <regex>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "text_util.h"

namespace ah {

std::string Config::resolve_path(const std::string& p) const {
    if (p.empty() || p.front() == '/' || p.find("://") != std::string::npos || base_dir.empty()) return p;
    return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

namespace {

using IntList = std::vector<std::int64_t>;
using StringList = std::vector<std::string>;

struct KeySpec {
    std::string path;
    std::string type;
    double min = 0;
    double max = 0;
    std::vector<std::string> choices;
    bool implemented = false;
    // Applies a validated node; returns an error message or "".
    std::function<std::string(Config&, const toml::node&, const std::string& host)> apply;
    std::function<std::string(const Config&)> default_toml;
};

std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string describe(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        default: return "a date/time";
    }
}

std::string range_text(double min, double max) {
    return fmt::format("{} to {}", min, max);
}

// ---- builders for the key table ----
template <typename Int>
KeySpec integer_key(std::string path, double min, double max, bool implemented, std::function<Int&(Config&)> ref) {
    KeySpec k{std::move(path), "integer", min, max, {}, implemented, {}, {}};
    k.apply = [ref, min, max](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto v = n.value_exact<std::int64_t>();
        if (!v) return fmt::format("expected an integer ({}), got {}", range_text(min, max), describe(n));
        if (*v < min || *v > max) return fmt::format("{} is out of range: expected {}", *v, range_text(min, max));
        ref(c) = static_cast<Int>(*v);
        return {};
    };
    k.default_toml = [ref](const Config& c) { return std::to_string(ref(const_cast<Config&>(c))); };
    return k;
}

KeySpec int_key(std::string path, double min, double max, bool implemented, std::function<int&(Config&)> ref) {
    return integer_key<int>(std::move(path), min, max, implemented, std::move(ref));
}

KeySpec u64_key(std::string path, double min, double max, bool implemented, std::function<std::uint64_t&(Config&)> ref) {
    return integer_key<std::uint64_t>(std::move(path), min, max, implemented, std::move(ref));
}

KeySpec float_key(std::string path, double min, double max, bool implemented, std::function<double&(Config&)> ref) {
    KeySpec k{std::move(path), "float", min, max, {}, implemented, {}, {}};
    k.apply = [ref, min, max](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto v = n.value<double>();  // integers are accepted as floats
        if (!v || n.is_boolean() || n.is_string())
            return fmt::format("expected a number ({}), got {}", range_text(min, max), describe(n));
        if (*v < min || *v > max) return fmt::format("{} is out of range: expected {}", *v, range_text(min, max));
        ref(c) = *v;
        return {};
    };
    k.default_toml = [ref](const Config& c) { return fmt::format("{}", ref(const_cast<Config&>(c))); };
    return k;
}

KeySpec bool_key(std::string path, bool implemented, std::function<bool&(Config&)> ref) {
    KeySpec k{std::move(path), "boolean", 0, 0, {}, implemented, {}, {}};
    k.apply = [ref](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto v = n.value_exact<bool>();
        if (!v) return fmt::format("expected a boolean (true or false), got {}", describe(n));
        ref(c) = *v;
        return {};
    };
    k.default_toml = [ref](const Config& c) { return ref(const_cast<Config&>(c)) ? "true" : "false"; };
    return k;
}

KeySpec string_key(std::string path, bool implemented, std::function<std::string&(Config&)> ref,
                   std::vector<std::string> choices = {}) {
    KeySpec k{std::move(path), "string", 0, 0, choices, implemented, {}, {}};
    k.apply = [ref, choices](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto v = n.value_exact<std::string>();
        if (!v) return fmt::format("expected a string, got {}", describe(n));
        if (!choices.empty() && std::find(choices.begin(), choices.end(), *v) == choices.end()) {
            std::string list;
            for (const auto& ch : choices) list += (list.empty() ? "" : ", ") + toml_string(ch);
            return fmt::format("\"{}\" is not one of {}", *v, list);
        }
        ref(c) = *v;
        return {};
    };
    k.default_toml = [ref](const Config& c) { return toml_string(ref(const_cast<Config&>(c))); };
    return k;
}

// libstdc++'s regex compiler (GCC 12) multiplies a repeat count or back-reference number
// into a long without checking, undefined behaviour past 19 digits (found by the config fuzz
// target: UBSan, signed integer overflow in regex_compiler.tcc). Such numbers are refused
// before the pattern reaches it; nothing sensible needs more than 9 digits there.
bool has_oversized_count(std::string_view pattern) {
    constexpr std::size_t max_digits = 9;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{' && pattern[i] != ',' && pattern[i] != '\\') continue;
        std::size_t digits = 0;
        while (i + 1 + digits < pattern.size() && text::is_digit(pattern[i + 1 + digits])) ++digits;
        if (digits > max_digits) return true;
    }
    return false;
}

std::string validate_regex(const std::string& pattern) {
    if (has_oversized_count(pattern))
        return fmt::format("invalid regular expression \"{}\": a repeat count or back-reference of more than 9 digits",
                           pattern);
    try {
        std::regex re(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return fmt::format("invalid regular expression \"{}\": {}", pattern, e.what());
    }
    return {};
}

KeySpec string_list_key(std::string path, bool implemented, std::function<StringList&(Config&)> ref,
                        bool regexes = false, std::vector<std::string> choices = {}) {
    KeySpec k{std::move(path), regexes ? "array of regular expressions" : "array of strings", 0, 0, choices,
              implemented, {}, {}};
    k.apply = [ref, regexes, choices](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto* arr = n.as_array();
        if (arr == nullptr) return fmt::format("expected an array of strings, got {}", describe(n));
        StringList values;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto v = (*arr)[i].value_exact<std::string>();
            if (!v) return fmt::format("element {} should be a string, got {}", i, describe((*arr)[i]));
            if (regexes)
                if (auto problem = validate_regex(*v); !problem.empty()) return fmt::format("element {}: {}", i, problem);
            if (!choices.empty() && std::find(choices.begin(), choices.end(), *v) == choices.end()) {
                std::string list;
                for (const auto& ch : choices) list += (list.empty() ? "" : ", ") + toml_string(ch);
                return fmt::format("element {}: \"{}\" is not one of {}", i, *v, list);
            }
            values.push_back(*v);
        }
        ref(c) = std::move(values);
        return {};
    };
    k.default_toml = [ref](const Config& c) {
        std::string out = "[";
        for (const auto& s : ref(const_cast<Config&>(c))) out += (out.size() > 1 ? ", " : "") + toml_string(s);
        return out + "]";
    };
    return k;
}

KeySpec int_list_key(std::string path, double min, double max, bool implemented, std::function<IntList&(Config&)> ref) {
    KeySpec k{std::move(path), "array of integers", min, max, {}, implemented, {}, {}};
    k.apply = [ref, min, max](Config& c, const toml::node& n, const std::string&) -> std::string {
        const auto* arr = n.as_array();
        if (arr == nullptr) return fmt::format("expected an array of integers, got {}", describe(n));
        IntList values;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto v = (*arr)[i].value_exact<std::int64_t>();
            if (!v) return fmt::format("element {} should be an integer, got {}", i, describe((*arr)[i]));
            if (*v < min || *v > max)
                return fmt::format("element {}: {} is out of range: expected {}", i, *v, range_text(min, max));
            values.push_back(*v);
        }
        ref(c) = std::move(values);
        return {};
    };
    k.default_toml = [ref](const Config& c) {
        std::string out = "[";
        for (auto v : ref(const_cast<Config&>(c))) out += (out.size() > 1 ? ", " : "") + std::to_string(v);
        return out + "]";
    };
    return k;
}

// Per-host keys write into Config::hosts[host].
template <typename T>
KeySpec host_key(std::string leaf, std::string type, std::function<std::string(const toml::node&, T&)> parse,
                 std::optional<T> HostOverride::*member, bool implemented) {
    KeySpec k{"hosts.*." + leaf, std::move(type), 0, 0, {}, implemented, {}, {}};
    k.apply = [parse, member](Config& c, const toml::node& n, const std::string& host) -> std::string {
        T value{};
        if (auto problem = parse(n, value); !problem.empty()) return problem;
        c.hosts[host].*member = value;
        return {};
    };
    k.default_toml = [](const Config&) { return std::string("(the [check] value)"); };
    return k;
}

std::function<std::string(const toml::node&, int&)> int_parser(std::int64_t min, std::int64_t max) {
    return [min, max](const toml::node& n, int& out) -> std::string {
        const auto v = n.value_exact<std::int64_t>();
        if (!v) return fmt::format("expected an integer ({} to {}), got {}", min, max, describe(n));
        if (*v < min || *v > max) return fmt::format("{} is out of range: expected {} to {}", *v, min, max);
        out = static_cast<int>(*v);
        return {};
    };
}

std::function<std::string(const toml::node&, std::string&)> choice_parser(std::vector<std::string> choices) {
    return [choices](const toml::node& n, std::string& out) -> std::string {
        const auto v = n.value_exact<std::string>();
        if (!v) return fmt::format("expected a string, got {}", describe(n));
        if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
            std::string list;
            for (const auto& ch : choices) list += (list.empty() ? "" : ", ") + toml_string(ch);
            return fmt::format("\"{}\" is not one of {}", *v, list);
        }
        out = *v;
        return {};
    };
}

const std::vector<KeySpec>& key_table() {
    // `implemented` says whether the behaviour behind a key exists yet; a key that is
    // accepted but ignored would mislead, so unimplemented keys are rejected with a clear message.
    static const std::vector<KeySpec> table = [] {
        std::vector<KeySpec> t;
        constexpr bool done = true;
        t.push_back(string_key("list.source", done, [](Config& c) -> std::string& { return c.list.source; }));
        t.push_back(u64_key("list.max_bytes", 1, 4.0 * 1024 * 1024 * 1024, done,
                            [](Config& c) -> std::uint64_t& { return c.list.max_bytes; }));

        t.push_back(int_key("check.timeout_ms", 100, 600000, done, [](Config& c) -> int& { return c.check.timeout_ms; }));
        t.push_back(int_key("check.connect_timeout_ms", 100, 600000, done,
                            [](Config& c) -> int& { return c.check.connect_timeout_ms; }));
        t.push_back(int_key("check.max_redirects", 0, 50, done, [](Config& c) -> int& { return c.check.max_redirects; }));
        t.push_back(int_key("check.max_retries", 0, 10, done, [](Config& c) -> int& { return c.check.max_retries; }));
        t.push_back(int_key("check.retry_base_ms", 1, 600000, done, [](Config& c) -> int& { return c.check.retry_base_ms; }));
        t.push_back(int_key("check.retry_max_ms", 1, 3600000, done, [](Config& c) -> int& { return c.check.retry_max_ms; }));
        t.push_back(int_key("check.max_in_flight", 1, 1024, done, [](Config& c) -> int& { return c.check.max_in_flight; }));
        t.push_back(int_key("check.per_host_in_flight", 1, 128, done,
                            [](Config& c) -> int& { return c.check.per_host_in_flight; }));
        t.push_back(int_key("check.min_interval_ms", 0, 600000, done,
                            [](Config& c) -> int& { return c.check.min_interval_ms; }));
        t.push_back(string_key("check.method", done, [](Config& c) -> std::string& { return c.check.method; },
                               {"head", "get"}));
        t.push_back(int_key("check.get_body_cap_bytes", 0, 64 * 1024 * 1024, done,
                            [](Config& c) -> int& { return c.check.get_body_cap_bytes; }));
        t.push_back(string_key("check.user_agent", done, [](Config& c) -> std::string& { return c.check.user_agent; }));
        t.push_back(int_list_key("check.blocked_statuses", 100, 999, done,
                                 [](Config& c) -> IntList& { return c.check.blocked_statuses; }));
        t.push_back(float_key("check.outage_threshold", 0.0, 1.0, done,
                              [](Config& c) -> double& { return c.check.outage_threshold; }));
        t.push_back(int_key("check.outage_min_hosts", 1, 100000, done,
                            [](Config& c) -> int& { return c.check.outage_min_hosts; }));
        t.push_back(string_key("check.progress", done, [](Config& c) -> std::string& { return c.check.progress; },
                               {"auto", "always", "never"}));

        t.push_back(string_list_key("filter.include", done, [](Config& c) -> StringList& { return c.filter.include; }, true));
        t.push_back(string_list_key("filter.exclude", done, [](Config& c) -> StringList& { return c.filter.exclude; }, true));
        t.push_back(string_list_key("filter.schemes", done, [](Config& c) -> StringList& { return c.filter.schemes; }));
        t.push_back(bool_key("filter.exclude_private", done, [](Config& c) -> bool& { return c.filter.exclude_private; }));

        KeySpec remap_pattern{"remap[].pattern", "regular expression", 0, 0, {}, done, {}, {}};
        remap_pattern.default_toml = [](const Config&) { return std::string("(none)"); };
        t.push_back(remap_pattern);
        KeySpec remap_replacement{"remap[].replacement", "string", 0, 0, {}, done, {}, {}};
        remap_replacement.default_toml = remap_pattern.default_toml;
        t.push_back(remap_replacement);

        t.push_back(string_key("network.proxy", done, [](Config& c) -> std::string& { return c.network.proxy; }));
        t.push_back(string_key("network.ca_bundle", done, [](Config& c) -> std::string& { return c.network.ca_bundle; }));
        t.push_back(bool_key("network.verify_tls", done, [](Config& c) -> bool& { return c.network.verify_tls; }));
        t.push_back(string_list_key("network.connect_to", done,
                                    [](Config& c) -> StringList& { return c.network.connect_to; }));
        t.push_back(bool_key("network.http2", done, [](Config& c) -> bool& { return c.network.http2; }));

        t.push_back(host_key<int>("in_flight", "integer", int_parser(1, 128), &HostOverride::in_flight, done));
        t.push_back(host_key<int>("min_interval_ms", "integer", int_parser(0, 600000), &HostOverride::min_interval_ms, done));
        t.push_back(host_key<std::string>("method", "string", choice_parser({"head", "get"}), &HostOverride::method, done));
        t.push_back(host_key<int>("timeout_ms", "integer", int_parser(100, 600000), &HostOverride::timeout_ms, done));
        t.push_back(host_key<std::string>("blocked_as", "string", choice_parser({"blocked", "dead", "ok"}),
                                          &HostOverride::blocked_as, done));
        t.push_back(host_key<bool>(
            "skip", "boolean",
            [](const toml::node& n, bool& out) -> std::string {
                const auto v = n.value_exact<bool>();
                if (!v) return fmt::format("expected a boolean (true or false), got {}", describe(n));
                out = *v;
                return {};
            },
            &HostOverride::skip, done));

        t.push_back(bool_key("github.enabled", done, [](Config& c) -> bool& { return c.github.enabled; }));
        t.push_back(string_key("github.api_url", done, [](Config& c) -> std::string& { return c.github.api_url; }));
        t.push_back(int_key("github.batch_size", 1, 100, done, [](Config& c) -> int& { return c.github.batch_size; }));
        t.push_back(int_key("github.stale_after_days", 1, 36500, done,
                            [](Config& c) -> int& { return c.github.stale_after_days; }));

        t.push_back(bool_key("arxiv.enabled", done, [](Config& c) -> bool& { return c.arxiv.enabled; }));
        t.push_back(string_key("arxiv.api_url", done, [](Config& c) -> std::string& { return c.arxiv.api_url; }));
        t.push_back(int_key("arxiv.batch_size", 1, 2000, done, [](Config& c) -> int& { return c.arxiv.batch_size; }));
        t.push_back(int_key("arxiv.min_interval_ms", arxiv_min_interval_ms, 600000, done,
                            [](Config& c) -> int& { return c.arxiv.min_interval_ms; }));

        t.push_back(bool_key("huggingface.enabled", done, [](Config& c) -> bool& { return c.huggingface.enabled; }));
        t.push_back(string_key("huggingface.api_url", done,
                               [](Config& c) -> std::string& { return c.huggingface.api_url; }));
        t.push_back(bool_key("wayback.enabled", done, [](Config& c) -> bool& { return c.wayback.enabled; }));
        t.push_back(string_key("wayback.api_url", done, [](Config& c) -> std::string& { return c.wayback.api_url; }));

        t.push_back(string_key("venues.file", done, [](Config& c) -> std::string& { return c.venues.file; }));
        KeySpec aliases{"venues.aliases", "table of strings", 0, 0, {}, done, {}, {}};
        aliases.apply = [](Config& c, const toml::node& n, const std::string&) -> std::string {
            const auto* aliases_table = n.as_table();
            if (aliases_table == nullptr) return fmt::format("expected a table of \"written\" = \"Venue\" strings, got {}", describe(n));
            for (const auto& [k, v] : *aliases_table) {
                const auto s = v.value_exact<std::string>();
                if (!s) return fmt::format("alias \"{}\" should be a string, got {}", k.str(), describe(v));
                c.venue_aliases[std::string(k.str())] = *s;
            }
            return {};
        };
        aliases.default_toml = [](const Config&) { return std::string("{}"); };
        t.push_back(aliases);

        t.push_back(int_key("history.confirm_after", 1, 30, done, [](Config& c) -> int& { return c.history.confirm_after; }));
        t.push_back(string_list_key("history.confirm_at_once", done,
                                    [](Config& c) -> StringList& { return c.history.confirm_at_once; }, false,
                                    {"404", "410", "nxdomain", "not_found"}));
        t.push_back(int_key("history.keep_runs", 1, 1000, done, [](Config& c) -> int& { return c.history.keep_runs; }));

        t.push_back(string_key("reports.dir", done, [](Config& c) -> std::string& { return c.reports.dir; }));
        t.push_back(string_key("reports.fail_on", done, [](Config& c) -> std::string& { return c.reports.fail_on; },
                               {"none", "dead", "stale", "any"}));
        t.push_back(int_key("reports.stars_change_percent", 0, 100000, done,
                            [](Config& c) -> int& { return c.reports.stars_change_percent; }));
        t.push_back(int_key("reports.stars_change_min", 0, 1e9, done,
                            [](Config& c) -> int& { return c.reports.stars_change_min; }));

        t.push_back(string_key("issue.repository", done, [](Config& c) -> std::string& { return c.issue.repository; }));
        t.push_back(string_key("issue.label", done, [](Config& c) -> std::string& { return c.issue.label; }));
        t.push_back(string_key("issue.title", done, [](Config& c) -> std::string& { return c.issue.title; }));
        t.push_back(string_key("issue.api_url", done, [](Config& c) -> std::string& { return c.issue.api_url; }));
        return t;
    }();
    return table;
}

const KeySpec* find_key(std::string_view path) {
    for (const auto& k : key_table())
        if (k.path == path) return &k;
    return nullptr;
}

// The known keys directly below a table path ("check" -> timeout_ms, ...; "" -> sections).
std::vector<std::string> children_of(std::string_view table) {
    std::vector<std::string> out;
    const std::string prefix = table.empty() ? "" : std::string(table) + ".";
    for (const auto& k : key_table()) {
        std::string_view path = k.path;
        if (path.rfind(prefix, 0) != 0) continue;
        std::string_view rest = path.substr(prefix.size());
        rest = rest.substr(0, rest.find_first_of(".["));
        if (std::find(out.begin(), out.end(), rest) == out.end()) out.emplace_back(rest);
    }
    return out;
}

std::string suggestion(std::string_view table, std::string_view key) {
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : children_of(table)) {
        const std::size_t d = text::edit_distance(key, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    // The key may sit in another section ("timeout_ms" under [network]).
    for (const auto& k : key_table()) {
        const auto dot = k.path.rfind('.');
        if (dot != std::string::npos && k.path.substr(dot + 1) == key && k.path.find('*') == std::string::npos &&
            k.path.find('[') == std::string::npos)
            return fmt::format("did you mean '{}'?", k.path);
    }
    if (best.empty() || best_distance > std::max<std::size_t>(2, key.size() / 3)) {
        std::string valid;
        for (const auto& c : children_of(table)) valid += (valid.empty() ? "" : ", ") + c;
        return fmt::format("valid keys here: {}", valid);
    }
    return fmt::format("did you mean '{}'?", table.empty() ? best : std::string(table) + "." + best);
}

class Loader {
public:
    Loader(Config& config, std::string file) : config_(config), file_(std::move(file)) {}

    Status walk(const toml::table& root) {
        for (const auto& [key, node] : root) {
            const std::string name(key.str());
            if (name == "hosts") {
                if (auto s = walk_hosts(node); !s) return s;
            } else if (name == "remap") {
                if (auto s = walk_remap(node); !s) return s;
            } else if (name == "venues") {
                if (auto s = walk_table(node, "venues"); !s) return s;
            } else if (const auto children = children_of(name); !children.empty()) {
                if (auto s = walk_table(node, name); !s) return s;
            } else {
                return fail(node, fmt::format("unknown section or key '{}'", name), suggestion("", name));
            }
        }
        return Ok{};
    }

private:
    Error error_at(const toml::node& node, std::string message, std::string hint = {}) const {
        const auto& src = node.source();
        return Error{ErrorKind::config, std::move(message),
                     {file_, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)},
                     std::move(hint)};
    }
    Status fail(const toml::node& node, std::string message, std::string hint = {}) const {
        return error_at(node, std::move(message), std::move(hint));
    }

    Status apply(const KeySpec& spec, const toml::node& node, const std::string& shown_path, const std::string& host) {
        if (!spec.implemented || !spec.apply)
            return fail(node, fmt::format("'{}' is not implemented yet", shown_path),
                        "remove it for now; config.toml lists what each key will do");
        if (auto problem = spec.apply(config_, node, host); !problem.empty())
            return fail(node, fmt::format("{}: {}", shown_path, problem));
        return Ok{};
    }

    Status walk_table(const toml::node& node, const std::string& table) {
        const auto* t = node.as_table();
        if (t == nullptr) return fail(node, fmt::format("'{}' should be a table ([{}]), got {}", table, table, describe(node)));
        for (const auto& [key, child] : *t) {
            const std::string path = table + "." + std::string(key.str());
            const KeySpec* spec = find_key(path);
            if (spec == nullptr)
                return fail(child, fmt::format("unknown key '{}' in [{}]", key.str(), table), suggestion(table, key.str()));
            if (auto s = apply(*spec, child, path, ""); !s) return s;
        }
        return Ok{};
    }

    Status walk_hosts(const toml::node& node) {
        const auto* t = node.as_table();
        if (t == nullptr) return fail(node, "'hosts' should be a table of per-host tables ([hosts.\"example.org\"])");
        for (const auto& [host_key, host_node] : *t) {
            const std::string host = text::to_lower(host_key.str());
            const auto* host_table = host_node.as_table();
            if (host_table == nullptr)
                return fail(host_node, fmt::format("[hosts.\"{}\"] should be a table of overrides", host));
            for (const auto& [key, child] : *host_table) {
                const KeySpec* spec = find_key("hosts.*." + std::string(key.str()));
                if (spec == nullptr)
                    return fail(child, fmt::format("unknown key '{}' in [hosts.\"{}\"]", key.str(), host),
                                suggestion("hosts.*", key.str()));
                if (auto s = apply(*spec, child, fmt::format("hosts.\"{}\".{}", host, key.str()), host); !s) return s;
            }
        }
        return Ok{};
    }

    Status walk_remap(const toml::node& node) {
        const auto* arr = node.as_array();
        if (arr == nullptr)
            return fail(node, "'remap' should be an array of tables ([[remap]] with pattern and replacement)");
        const KeySpec* pattern_spec = find_key("remap[].pattern");
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto* rule = (*arr)[i].as_table();
            if (rule == nullptr) return fail((*arr)[i], fmt::format("remap[{}] should be a table", i));
            if (!pattern_spec->implemented)
                return fail((*arr)[i], "'remap' is not implemented yet", "remove it for now");
            RemapRule r;
            for (const auto& [key, child] : *rule) {
                const std::string k(key.str());
                const auto value = child.value_exact<std::string>();
                if (k != "pattern" && k != "replacement")
                    return fail(child, fmt::format("unknown key '{}' in remap[{}]", k, i),
                                suggestion("remap[]", k));
                if (!value) return fail(child, fmt::format("remap[{}].{}: expected a string, got {}", i, k, describe(child)));
                if (k == "pattern") {
                    if (auto problem = validate_regex(*value); !problem.empty())
                        return fail(child, fmt::format("remap[{}].pattern: {}", i, problem));
                    r.pattern = *value;
                } else {
                    r.replacement = *value;
                }
            }
            if (r.pattern.empty()) return fail((*arr)[i], fmt::format("remap[{}] needs a non-empty 'pattern'", i));
            config_.remap.push_back(std::move(r));
        }
        return Ok{};
    }

    Config& config_;
    std::string file_;
};

}  // namespace

std::vector<ConfigKeyInfo> config_keys() {
    const Config defaults;
    std::vector<ConfigKeyInfo> out;
    for (const auto& k : key_table())
        out.push_back(ConfigKeyInfo{k.path, k.type, k.default_toml ? k.default_toml(defaults) : "", k.implemented});
    return out;
}

Config default_config() { return Config{}; }

Result<Config> load_config(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return Error{ErrorKind::config, "no such configuration file", {path, 0, 0}, "pass --config PATH"};
    if (fs::is_directory(path, ec))
        return Error{ErrorKind::config, "is a directory (expected a TOML configuration file)", {path, 0, 0}, ""};
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{ErrorKind::config, "cannot read the configuration file", {path, 0, 0}, ""};
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_config(text, path);
}

Result<Config> parse_config(std::string_view toml_text, const std::string& path) {
    std::error_code ec;
    Config config;
    config.path = path;
    config.text = std::string(toml_text);
    config.base_dir = std::filesystem::absolute(path, ec).parent_path().string();
    toml::table root;
    try {
        root = toml::parse(toml_text, path);
    } catch (const toml::parse_error& e) {
        const auto& src = e.source();
        return Error{ErrorKind::config, fmt::format("invalid TOML: {}", e.description()),
                     {path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)}, ""};
    }
    Loader loader(config, path);
    if (auto s = loader.walk(root); !s) return s.error();
    return config;
}

Status apply_overrides(Config& config, const std::vector<std::string>& assignments) {
    for (const auto& assignment : assignments) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0)
            return Error{ErrorKind::usage, fmt::format("--set '{}': expected KEY=VALUE", assignment), {}, ""};
        const std::string key(text::trim(std::string_view(assignment).substr(0, eq)));
        const std::string value(text::trim(std::string_view(assignment).substr(eq + 1)));
        toml::table root;
        try {
            root = toml::parse(key + " = " + value);
        } catch (const toml::parse_error&) {
            try {
                root = toml::parse(key + " = " + toml_string(value));  // a bare word is a string
            } catch (const toml::parse_error& e) {
                return Error{ErrorKind::usage, fmt::format("--set '{}': {}", assignment, e.description()), {}, ""};
            }
        }
        Loader loader(config, "--set " + key);
        if (auto s = loader.walk(root); !s) {
            Error e = s.error();
            e.kind = ErrorKind::usage;
            e.where = {"--set " + key, 0, 0};
            return e;
        }
    }
    return Ok{};
}

}  // namespace ah
