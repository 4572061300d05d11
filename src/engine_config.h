// The HTTP engine's options as the configuration sets them ([check] user agent and limits,
// [network] proxy, CA bundle, TLS verification, connect_to, HTTP/2, [hosts] in_flight).
#pragma once

#include "ah/config.h"
#include "ah/http.h"

namespace ah {

EngineOptions engine_options_from(const Config& config);

}  // namespace ah
