// EngineOptions from the configuration (see engine_config.h).
#include "engine_config.h"

#include <algorithm>

namespace ah {

EngineOptions engine_options_from(const Config& config) {
    EngineOptions e;
    e.user_agent = config.check.user_agent;
    e.proxy = config.network.proxy;
    e.ca_bundle = config.network.ca_bundle.empty() ? "" : config.resolve_path(config.network.ca_bundle);
    e.verify_tls = config.network.verify_tls;
    e.connect_to = config.network.connect_to;
    e.http2 = config.network.http2;
    e.max_connections = config.check.max_in_flight;
    e.max_host_connections = config.check.per_host_in_flight;
    for (const auto& [host, o] : config.hosts)
        if (o.in_flight) e.max_host_connections = std::max<long>(e.max_host_connections, *o.in_flight);
    return e;
}

}  // namespace ah
