// Which targets are checked, and at which URL: include/exclude rules, schemes, private
// addresses, per-host skips and remap rules, compiled once from the configuration.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "ah/catalog.h"
#include "ah/config.h"

namespace ah {

struct RoutingDecision {
    bool check = true;
    std::string reason;    // why it is skipped, when check is false
    std::string url;       // what to request (after remap)
    std::string remapped_by;  // the pattern that rewrote it, empty when none
};

class TargetRouter {
public:
    explicit TargetRouter(const Config& config);
    RoutingDecision route(const Target& target) const;

private:
    std::vector<std::regex> include_;
    std::vector<std::regex> exclude_;
    std::vector<std::string> include_text_, exclude_text_;
    std::vector<std::string> schemes_;
    bool exclude_private_ = false;
    struct CompiledRemap {
        std::regex pattern;
        std::string pattern_text;
        std::string replacement;
    };
    std::vector<CompiledRemap> remap_;
    std::map<std::string, HostOverride> hosts_;
};

// Loopback, private (RFC 1918, ULA), link-local and unspecified addresses, and names
// that only mean this machine ("localhost", "*.localhost").
bool is_private_host(const std::string& host);

}  // namespace ah
