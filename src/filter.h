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
// that only mean this machine ("localhost", "*.localhost"). Judged by the name alone:
// a public-looking name that resolves to a private address is not caught here.
bool is_private_host(const std::string& host);

// The private-address policy for a redirect hop from a link at `origin_host` (the link as
// checked, after remap) to `next_host`: why it must not be followed, or nullopt when it may.
// With filter.exclude_private no hop may reach a private address; without it, only a link
// that is private itself may lead to one.
std::optional<std::string> private_redirect_refusal(const std::string& origin_host, const std::string& next_host,
                                                    bool exclude_private);

}  // namespace ah
