// HuggingFace Hub metadata: models, datasets and organisations of the list, from the Hub's
// public API ({api}/api/models/{id}, {api}/api/datasets/{id}, {api}/api/models?author={org}).
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ah/url.h"
#include "net/http_engine.h"

namespace ah {

struct HubLookupItem {
    LinkKind kind = LinkKind::huggingface_model;  // model, dataset or org
    std::string id;                                // "org/name" or "org"
};

struct HubInfo {
    bool exists = false;
    std::string error;  // lookup failed (not "not found"): verdict error, never dead
    std::string id;
    std::int64_t likes = 0, downloads = 0, models = 0;  // models: for organisations
    std::string last_modified;
    bool gated = false;
};

struct HubSettings {
    std::string api_url = "https://huggingface.co";
    std::chrono::milliseconds timeout{20000};
};

struct HubLookup {
    std::map<std::string, HubInfo> items;  // by "kind:id"
    int requests = 0;
};

std::string hub_key(const HubLookupItem& item);

// Pure parsers, for tests: a model/dataset document; an author listing (a JSON array).
HubInfo parse_hub_repo(std::string_view json, const std::string& id);
HubInfo parse_hub_author_listing(std::string_view json, const std::string& org);

class HubClient {
public:
    HubClient(boost::asio::io_context& io, net::HttpTransport& transport, HubSettings settings);
    void lookup(std::vector<HubLookupItem> items, std::function<void(HubLookup)> done);

private:
    boost::asio::io_context& io_;
    net::HttpTransport& transport_;
    HubSettings settings_;
};

}  // namespace ah
