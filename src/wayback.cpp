// Wayback Machine availability lookups (see wayback.h).
#include "ah/wayback.h"

#include <curl/curl.h>

#include <memory>

#include <fmt/format.h>
#include <simdjson.h>

namespace ah {

std::string parse_wayback_answer(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) return {};
    simdjson::dom::element closest;
    if (doc["archived_snapshots"]["closest"].get(closest) != simdjson::SUCCESS) return {};
    bool available = false;
    if (closest["available"].get(available) != simdjson::SUCCESS || !available) return {};
    std::string_view url;
    if (closest["url"].get(url) != simdjson::SUCCESS) return {};
    // Only ever suggest an http(s) link.
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return {};
    std::string out(url);
    if (out.rfind("http://web.archive.org/", 0) == 0) out.insert(4, "s");
    return out;
}

WaybackClient::WaybackClient(boost::asio::io_context&, net::HttpTransport& transport, WaybackSettings settings)
    : transport_(transport), settings_(std::move(settings)) {}

void WaybackClient::lookup(std::vector<std::string> urls, std::function<void(WaybackCopies, int)> done) {
    struct State {
        WaybackCopies copies;
        std::size_t pending = 0;
        int requests = 0;
        std::function<void(WaybackCopies, int)> done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->pending = urls.size();
    if (urls.empty()) {
        state->done({}, 0);
        return;
    }
    for (const auto& url : urls) {
        char* escaped = curl_easy_escape(nullptr, url.c_str(), static_cast<int>(url.size()));
        HttpRequest request;
        request.url = fmt::format("{}/wayback/available?url={}", settings_.api_url, escaped ? escaped : "");
        curl_free(escaped);
        request.timeout = settings_.timeout;
        request.headers = {{"Accept", "application/json"}};
        ++state->requests;
        transport_.start(std::move(request), [state, url](HttpResponse r) {
            state->copies[url] = r.status == 200 && r.error == TransportError::none ? parse_wayback_answer(r.body) : "";
            if (--state->pending == 0) state->done(std::move(state->copies), state->requests);
        });
    }
}

}  // namespace ah
