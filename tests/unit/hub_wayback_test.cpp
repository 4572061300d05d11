// HuggingFace and Wayback clients: pure parsers on recorded shapes, and the clients against
// the fixture server (existence, not-found by X-Error-Code, errors that are not "dead").
#include <catch2/catch.hpp>

#include <limits>

#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include "ah/huggingface.h"
#include "ah/wayback.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::FixtureServer;
using ah::testing::Reply;

namespace {

std::string fixture(const std::string& name) { return ah::testing::read_file(std::string(AH_FIXTURES_DIR) + "/" + name); }

Reply json_reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

EngineOptions engine_for(const FixtureServer& server, std::string_view host) {
    EngineOptions e;
    e.connect_to = {fmt::format("{}:80:127.0.0.1:{}", host, server.http_port())};
    return e;
}

}  // namespace

TEST_CASE("HuggingFace parsers", "[huggingface]") {
    const HubInfo model = parse_hub_repo(fixture("huggingface/model.json"), "Zilun/GeoRSSD");
    CHECK(model.exists);
    CHECK(model.likes == 56);
    CHECK(model.downloads == 1234);
    CHECK(model.last_modified == "2024-03-02T10:11:12.000Z");
    CHECK_FALSE(model.gated);
    CHECK(parse_hub_repo(fixture("huggingface/gated-model.json"), "x").gated);
    const HubInfo org = parse_hub_author_listing(fixture("huggingface/author-models.json"), "ibm-nasa-geospatial");
    CHECK(org.models == 2);
    CHECK(org.likes == 170);
    CHECK(org.last_modified == "2024-02-11T00:00:00.000Z");
    CHECK_FALSE(parse_hub_repo("<html>oops</html>", "x").error.empty());
    CHECK_FALSE(parse_hub_author_listing("{\"not\": \"an array\"}", "x").error.empty());
    // Found by the hub_wayback fuzz target: the sums overflowed int64 (UBSan).
    const HubInfo huge = parse_hub_author_listing(
        R"([{"likes": 9223372036854775807, "downloads": 1}, {"likes": 1, "downloads": -5}])", "x");
    CHECK(huge.models == 2);
    CHECK(huge.likes == std::numeric_limits<std::int64_t>::max());
    CHECK(huge.downloads == 1);
}

TEST_CASE("HuggingFace client against the fixture server", "[huggingface]") {
    FixtureServer server;
    server.on("hf.test", "/api/models/Zilun/GeoRSSD", json_reply(200, fixture("huggingface/model.json")));
    server.on("hf.test", "/api/models/gone/model",
              json_reply(401, "{\"error\":\"Repository not found\"}", {{"X-Error-Code", "RepoNotFound"}}));
    server.on("hf.test", "/api/models", json_reply(200, fixture("huggingface/author-models.json")));
    server.on("hf.test", "/api/datasets/broken/set", json_reply(500, "{}"));
    boost::asio::io_context io;
    net::HttpEngine engine(io, engine_for(server, "hf.test"));
    HubClient client(io, engine, HubSettings{"http://hf.test", std::chrono::milliseconds(5000)});
    std::optional<HubLookup> result;
    client.lookup({{LinkKind::huggingface_model, "Zilun/GeoRSSD"},
                   {LinkKind::huggingface_model, "gone/model"},
                   {LinkKind::huggingface_org, "ibm-nasa-geospatial"},
                   {LinkKind::huggingface_dataset, "broken/set"},
                   {LinkKind::huggingface_model, "Zilun/GeoRSSD"}},
                  [&](HubLookup r) { result = std::move(r); });
    io.run();
    REQUIRE(result);
    CHECK(result->requests == 4);  // duplicates asked once
    CHECK(result->items.at("huggingface_model:Zilun/GeoRSSD").exists);
    const HubInfo& gone = result->items.at("huggingface_model:gone/model");
    CHECK_FALSE(gone.exists);
    CHECK(gone.error.empty());  // not found is a verdict, not a lookup error
    CHECK(result->items.at("huggingface_org:ibm-nasa-geospatial").models == 2);
    const HubInfo& broken = result->items.at("huggingface_dataset:broken/set");
    CHECK_FALSE(broken.exists);
    CHECK(broken.error == "Hub API answered HTTP 500");
    const auto requests = server.requests("hf.test");
    const bool asked_author = std::any_of(requests.begin(), requests.end(), [](const auto& r) {
        return r.target == "/api/models?author=ibm-nasa-geospatial&limit=1000";
    });
    CHECK(asked_author);
}

TEST_CASE("Wayback availability", "[wayback]") {
    CHECK(parse_wayback_answer(fixture("wayback/available.json")) ==
          "https://web.archive.org/web/20240301000000/https://github.com/isaaccorley/hydro-foundation-model");
    CHECK(parse_wayback_answer(fixture("wayback/none.json")).empty());
    CHECK(parse_wayback_answer("not json").empty());
    CHECK(parse_wayback_answer(R"J({"archived_snapshots":{"closest":{"available":true,"url":"javascript:alert(1)"}}})J").empty());

    FixtureServer server;
    server.on("archive.test", "/wayback/available", [](const ah::testing::RecordedRequest& r) {
        if (r.target.find("hydro") != std::string::npos)
            return json_reply(200, ah::testing::read_file(std::string(AH_FIXTURES_DIR) + "/wayback/available.json"));
        return json_reply(200, ah::testing::read_file(std::string(AH_FIXTURES_DIR) + "/wayback/none.json"));
    });
    boost::asio::io_context io;
    net::HttpEngine engine(io, engine_for(server, "archive.test"));
    WaybackClient client(io, engine, WaybackSettings{"http://archive.test", std::chrono::milliseconds(5000)});
    std::optional<WaybackCopies> copies;
    client.lookup({"https://github.com/isaaccorley/hydro-foundation-model", "https://nothing.example.org/never?a=1&b=2"},
                  [&](WaybackCopies c, int) { copies = std::move(c); });
    io.run();
    REQUIRE(copies);
    CHECK(copies->at("https://github.com/isaaccorley/hydro-foundation-model").find("web.archive.org") != std::string::npos);
    CHECK(copies->at("https://nothing.example.org/never?a=1&b=2").empty());
    // The URL is sent escaped, so its own query cannot leak into the API's.
    const auto requests = server.requests("archive.test");
    const bool escaped = std::any_of(requests.begin(), requests.end(), [](const auto& r) {
        return r.target.find("never%3Fa%3D1%26b%3D2") != std::string::npos;
    });
    CHECK(escaped);
}
