// Target routing: filters, schemes, private addresses and remap rules (see filter.h).
#include "filter.h"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

#include "net/host_policy.h"
#include "text_util.h"

namespace ah {

bool is_private_host(const std::string& raw_host) {
    std::string host = text::to_lower(raw_host);
    if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!host.empty() && host.back() == '.') host.pop_back();  // "localhost." is still this machine
    if (host == "localhost" || (host.size() > 10 && host.substr(host.size() - 10) == ".localhost")) return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        const std::uint32_t a = ntohl(v4.s_addr);
        return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 || (a >> 20) == (172u << 4 | 1) ||
               (a >> 16) == (192u << 8 | 168) || (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1);
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        const auto* b = v6.s6_addr;
        bool zero_prefix = true;
        for (int i = 0; i < 15; ++i) zero_prefix = zero_prefix && b[i] == 0;
        if (zero_prefix && (b[15] == 1 || b[15] == 0)) return true;           // ::1, ::
        if ((b[0] & 0xFE) == 0xFC) return true;                                // fc00::/7
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                // fe80::/10
        bool mapped = true;                                                    // ::ffff:a.b.c.d
        for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
        if (mapped && b[10] == 0xFF && b[11] == 0xFF)
            return is_private_host(fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]));
        static constexpr unsigned char nat64[12] = {0x00, 0x64, 0xFF, 0x9B};  // 64:ff9b::/96 (RFC 6052)
        if (std::equal(b, b + 12, nat64))
            return is_private_host(fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]));
    }
    return false;
}

std::optional<std::string> private_redirect_refusal(const std::string& origin_host, const std::string& next_host,
                                                    bool exclude_private) {
    if (!is_private_host(next_host)) return std::nullopt;
    if (exclude_private)
        return fmt::format("redirect to {} not followed: a private or loopback address (filter.exclude_private)",
                           next_host);
    // A listed private link may lead to other private addresses; a public page may not
    // steer the checker into the network it runs in (a cloud metadata service, say).
    if (!is_private_host(origin_host))
        return fmt::format("redirect to {} not followed: a public page leading to a private or loopback address",
                           next_host);
    return std::nullopt;
}

TargetRouter::TargetRouter(const Config& config)
    : include_text_(config.filter.include),
      exclude_text_(config.filter.exclude),
      schemes_(config.filter.schemes),
      exclude_private_(config.filter.exclude_private),
      hosts_(config.hosts) {
    // The loader validated every expression, so construction cannot throw here.
    for (const auto& p : config.filter.include) include_.emplace_back(p, std::regex::ECMAScript);
    for (const auto& p : config.filter.exclude) exclude_.emplace_back(p, std::regex::ECMAScript);
    for (const auto& r : config.remap)
        remap_.push_back(CompiledRemap{std::regex(r.pattern, std::regex::ECMAScript), r.pattern, r.replacement});
}

RoutingDecision TargetRouter::route(const Target& target) const {
    RoutingDecision d;
    d.url = target.url;
    const auto skip = [&](std::string reason) {
        d.check = false;
        d.reason = std::move(reason);
        return d;
    };
    if (target.kind == LinkKind::relative) return skip("relative link (a path in the list's repository)");
    const auto colon = target.url.find(':');
    const std::string scheme = colon == std::string::npos ? "" : text::to_lower(target.url.substr(0, colon));
    if (std::find(schemes_.begin(), schemes_.end(), scheme) == schemes_.end())
        return skip(fmt::format("scheme '{}:' is not checked (filter.schemes)", scheme));
    if (target.kind == LinkKind::other_scheme) return skip(fmt::format("scheme '{}:' cannot be checked", scheme));
    for (std::size_t i = 0; i < exclude_.size(); ++i)
        if (std::regex_search(target.url, exclude_[i]))
            return skip(fmt::format("excluded by filter.exclude \"{}\"", exclude_text_[i]));
    if (!include_.empty()) {
        bool included = false;
        for (const auto& re : include_) included = included || std::regex_search(target.url, re);
        if (!included) return skip("not matched by any filter.include expression");
    }
    for (const auto& rule : remap_) {
        if (std::regex_search(d.url, rule.pattern)) {
            d.url = std::regex_replace(d.url, rule.pattern, rule.replacement, std::regex_constants::format_first_only);
            d.remapped_by = rule.pattern_text;
            break;  // first matching rule wins, like lychee's --remap
        }
    }
    const std::string host = net::host_key(d.url);
    if (const auto it = hosts_.find(host); it != hosts_.end() && it->second.skip.value_or(false))
        return skip(fmt::format("host {} is skipped by [hosts.\"{}\"]", host, host));
    if (exclude_private_ && is_private_host(host))
        return skip(fmt::format("{} is a private or loopback address (filter.exclude_private)", host));
    return d;
}

}  // namespace ah
