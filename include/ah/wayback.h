// The Wayback Machine's availability API: the closest archived copy of a dead link
// ({api}/wayback/available?url=URL), offered as a suggested fix.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "net/http_engine.h"

namespace ah {

struct WaybackSettings {
    std::string api_url = "https://archive.org";
    std::chrono::milliseconds timeout{20000};
};

// url -> closest snapshot URL ("" when there is none or the lookup failed).
using WaybackCopies = std::map<std::string, std::string>;

// Pure parser, for tests: the snapshot URL of an availability answer, "" when none.
std::string parse_wayback_answer(std::string_view json);

class WaybackClient {
public:
    WaybackClient(boost::asio::io_context& io, net::HttpTransport& transport, WaybackSettings settings);
    void lookup(std::vector<std::string> urls, std::function<void(WaybackCopies, int requests)> done);

private:
    net::HttpTransport& transport_;
    WaybackSettings settings_;
};

}  // namespace ah
