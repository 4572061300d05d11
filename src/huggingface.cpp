// HuggingFace Hub lookups (see huggingface.h). The Hub answers a missing or private repository
// with 401 or 404 and `X-Error-Code: RepoNotFound`; that header, not the status, means "not found".
#include "ah/huggingface.h"

#include <limits>
#include <memory>

#include <fmt/format.h>
#include <simdjson.h>

namespace ah {

std::string hub_key(const HubLookupItem& item) { return fmt::format("{}:{}", to_string(item.kind), item.id); }

namespace {

std::string url_for(const HubSettings& s, const HubLookupItem& item) {
    switch (item.kind) {
        case LinkKind::huggingface_dataset: return fmt::format("{}/api/datasets/{}", s.api_url, item.id);
        case LinkKind::huggingface_space: return fmt::format("{}/api/spaces/{}", s.api_url, item.id);
        case LinkKind::huggingface_org: return fmt::format("{}/api/models?author={}&limit=1000", s.api_url, item.id);
        default: return fmt::format("{}/api/models/{}", s.api_url, item.id);
    }
}

// Adds a count from an answer to a total. Counts are never negative, and a total past
// int64 (an absurd or hostile answer) stays at the maximum instead of overflowing.
void add_count(std::int64_t& total, std::int64_t n) {
    if (n <= 0) return;
    total = n > std::numeric_limits<std::int64_t>::max() - total ? std::numeric_limits<std::int64_t>::max()
                                                                  : total + n;
}

}  // namespace

HubInfo parse_hub_repo(std::string_view json, const std::string& id) {
    HubInfo info;
    info.id = id;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        info.error = "the Hub answered with something that is not a JSON object";
        return info;
    }
    info.exists = true;
    std::int64_t n = 0;
    if (doc["likes"].get(n) == simdjson::SUCCESS) info.likes = n;
    if (doc["downloads"].get(n) == simdjson::SUCCESS) info.downloads = n;
    std::string_view s;
    if (doc["lastModified"].get(s) == simdjson::SUCCESS) info.last_modified = std::string(s);
    // "gated" is false, or the gating mode ("auto", "manual").
    bool gated = false;
    if (doc["gated"].get(gated) == simdjson::SUCCESS) info.gated = gated;
    else if (doc["gated"].get(s) == simdjson::SUCCESS) info.gated = true;
    if (doc["id"].get(s) == simdjson::SUCCESS) info.id = std::string(s);
    return info;
}

HubInfo parse_hub_author_listing(std::string_view json, const std::string& org) {
    HubInfo info;
    info.id = org;
    simdjson::dom::parser parser;
    simdjson::dom::array models;
    if (parser.parse(json.data(), json.size()).get(models) != simdjson::SUCCESS) {
        info.error = "the Hub answered the author listing with something that is not a JSON array";
        return info;
    }
    info.exists = true;  // the organisation page itself is checked over HTTP; this adds counts
    for (simdjson::dom::element m : models) {
        ++info.models;
        std::int64_t n = 0;
        if (m["likes"].get(n) == simdjson::SUCCESS) add_count(info.likes, n);
        if (m["downloads"].get(n) == simdjson::SUCCESS) add_count(info.downloads, n);
        std::string_view s;
        if (m["lastModified"].get(s) == simdjson::SUCCESS && std::string(s) > info.last_modified)
            info.last_modified = std::string(s);
    }
    return info;
}

HubClient::HubClient(boost::asio::io_context& io, net::HttpTransport& transport, HubSettings settings)
    : io_(io), transport_(transport), settings_(std::move(settings)) {}

void HubClient::lookup(std::vector<HubLookupItem> items, std::function<void(HubLookup)> done) {
    struct State {
        HubLookup result;
        std::size_t pending = 0;
        std::function<void(HubLookup)> done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    std::map<std::string, HubLookupItem> unique;
    for (auto& item : items) unique.emplace(hub_key(item), item);
    state->pending = unique.size();
    if (unique.empty()) {
        state->done(std::move(state->result));
        return;
    }
    for (const auto& [key, item] : unique) {
        HttpRequest request;
        request.method = HttpMethod::get;
        request.url = url_for(settings_, item);
        request.headers = {{"Accept", "application/json"}};
        request.timeout = settings_.timeout;
        request.body_cap = 4u << 20;
        ++state->result.requests;
        transport_.start(std::move(request), [state, key = key, item = item](HttpResponse r) {
            HubInfo info;
            info.id = item.id;
            const auto code = r.header("x-error-code");
            if (r.error != TransportError::none) {
                info.error = fmt::format("Hub API unreachable: {}", to_string(r.error));
            } else if ((code && (*code == "RepoNotFound" || *code == "EntryNotFound")) || r.status == 404) {
                info.exists = false;  // not found
            } else if (r.status != 200) {
                info.error = fmt::format("Hub API answered HTTP {}", r.status);
            } else if (r.body_truncated) {
                info.error = "Hub API answer too large";
            } else {
                info = item.kind == LinkKind::huggingface_org ? parse_hub_author_listing(r.body, item.id)
                                                               : parse_hub_repo(r.body, item.id);
            }
            state->result.items[key] = std::move(info);
            if (--state->pending == 0) state->done(std::move(state->result));
        });
    }
}

}  // namespace ah
