// Tests for the arXiv stage: id normalisation, the Atom feed parser on recorded shapes, and
// the batch client against the loopback fixture server (batching, spacing, retries).
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "ah/arxiv.h"
#include "net/curl_handles.h"
#include "net/http_engine.h"
#include "support/fixture_server.h"
#include "text_util.h"

using namespace std::chrono_literals;
using ah::ArxivClient;
using ah::ArxivLookup;
using ah::ArxivSettings;
using ah::parse_atom_feed;
using ah::testing::FixtureServer;
using ah::testing::RecordedRequest;
using ah::testing::Reply;
using Clock = std::chrono::steady_clock;

namespace {

// A recorded response body: the file without its first line, a comment saying where the
// shape is documented.
std::string fixture(const std::string& name) {
    std::ifstream in(std::string(AH_FIXTURES_DIR) + "/arxiv/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string body = ss.str();
    REQUIRE(body.rfind("<!--", 0) == 0);
    return body.substr(body.find('\n') + 1);
}

std::vector<std::string> split_ids(std::string_view list) {
    std::vector<std::string> out;
    for (auto part : ah::text::split(list, ',')) out.emplace_back(part);
    return out;
}

std::string query_param(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    for (auto part : ah::text::split(target.substr(q + 1), '&')) {
        if (part.substr(0, name.size()) == name && part.size() > name.size() && part[name.size()] == '=')
            return std::string(part.substr(name.size() + 1));
    }
    return {};
}

// An Atom feed answering `ids` in reverse order (arXiv's order is not the request's).
std::string feed_for(std::vector<std::string> ids) {
    std::reverse(ids.begin(), ids.end());
    std::string out = R"(<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
<title>ArXiv Query</title><id>http://arxiv.org/api/x</id><updated>2024-01-01T00:00:00Z</updated>
)";
    out += fmt::format("<opensearch:totalResults>{}</opensearch:totalResults>\n", ids.size());
    for (const auto& id : ids) {
        out += fmt::format(
            "<entry><id>http://arxiv.org/abs/{0}v2</id><published>2024-01-01T00:00:00Z</published>"
            "<updated>2024-01-02T00:00:00Z</updated><title>Paper {0}</title><summary>s</summary>"
            "<author><name>A</name></author><arxiv:primary_category term=\"cs.CV\"/></entry>\n",
            id);
    }
    return out + "</feed>\n";
}

Reply ok_body(std::string body) {
    Reply r;
    r.headers = {{"Content-Type", "application/atom+xml; charset=UTF-8"}};
    r.body = std::move(body);
    return r;
}

// Answers each id_list query with a feed of the ids asked for.
Reply echo_feed(const RecordedRequest& request) { return ok_body(feed_for(split_ids(query_param(request.target, "id_list")))); }

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) {
        if (io.stopped()) io.restart();
        if (io.run_one_for(10ms) == 0) std::this_thread::sleep_for(1ms);
    }
    return done();
}

std::vector<std::string> numbered_ids(int count, int first = 1) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) ids.push_back(fmt::format("2401.{:05d}", first + i));
    return ids;
}

ah::EngineOptions engine_for(const FixtureServer& server, std::initializer_list<std::string_view> hosts) {
    ah::EngineOptions options;
    for (auto host : hosts) options.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", host, server.http_port()));
    options.ca_bundle = server.ca_file();
    options.proxy = "";
    return options;
}

ArxivSettings settings_for(std::string_view host) {
    ArxivSettings s;
    s.api_url = fmt::format("http://{}", host);
    s.min_interval = 10ms;  // clamped to arXiv's 3 s
    s.timeout = 5000ms;
    return s;
}

// Runs one lookup per client on `io` until all are done.
struct Pending {
    std::optional<ArxivLookup> result;
    ah::ArxivClient::Done callback() {
        return [this](ArxivLookup l) { result = std::move(l); };
    }
};

std::chrono::milliseconds ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a);
}

}  // namespace

TEST_CASE("arXiv ids are normalised without version and kept in their old-style spelling", "[arxiv]") {
    using ah::normalize_arxiv_id;
    CHECK(normalize_arxiv_id("2311.15153") == "2311.15153");
    CHECK(normalize_arxiv_id("2311.15153v4") == "2311.15153");
    CHECK(normalize_arxiv_id(" arXiv:1706.03762v7 ") == "1706.03762");
    CHECK(normalize_arxiv_id("0704.0001") == "0704.0001");
    CHECK(normalize_arxiv_id("math/0211159") == "math/0211159");
    CHECK(normalize_arxiv_id("math.AG/0211159v2") == "math.AG/0211159");
    CHECK(normalize_arxiv_id("cond-mat.mes-hall/0211022") == "cond-mat.mes-hall/0211022");
    CHECK_FALSE(normalize_arxiv_id("2313.15153"));  // month 13
    CHECK_FALSE(normalize_arxiv_id("231.15153"));
    CHECK_FALSE(normalize_arxiv_id("abc"));
    CHECK_FALSE(normalize_arxiv_id("math/021115"));
    CHECK_FALSE(normalize_arxiv_id(""));
    CHECK(ah::arxiv_canonical_id("math.AG/0211159") == "math/0211159");
    CHECK(ah::arxiv_canonical_id("2311.15153") == "2311.15153");
}

TEST_CASE("parse_atom_feed reads a multi-entry feed with the arxiv: extension elements", "[arxiv]") {
    const auto l = parse_atom_feed(fixture("multi_entry.xml"), {"1912.04958", "2208.04441", "2311.15153"});
    CHECK(l.missing.empty());
    CHECK(l.failed.empty());
    REQUIRE(l.found.size() == 3);
    const auto& p = l.found.at("2311.15153");
    CHECK(p.id == "2311.15153");
    CHECK(p.latest_version == 4);
    CHECK(p.title == "A Foundation Model for Multi-Spectral Remote Sensing Imagery");
    CHECK(p.authors == std::vector<std::string>{"Ada Example", "Bo Sample"});
    CHECK(p.published == "2023-11-26T02:49:58Z");
    CHECK(p.updated == "2024-03-01T12:00:01Z");
    CHECK(p.doi == "10.1109/TGRS.2024.3361234");
    CHECK(p.comment == "Accepted by IEEE TGRS; 14 pages, 9 figures");
    CHECK(p.journal_ref == "IEEE Transactions on Geoscience and Remote Sensing, vol. 62, 2024");
    CHECK(p.primary_category == "cs.CV");
    CHECK_FALSE(p.withdrawn);
    CHECK(l.found.at("2208.04441").title == "Masked Pre-training for Temporal Satellite Imagery & Beyond");
    CHECK(l.found.at("2208.04441").journal_ref.empty());
    CHECK(l.found.at("1912.04958").latest_version == 2);
}

TEST_CASE("parse_atom_feed matches entries by id, not by position", "[arxiv]") {
    const std::vector<std::string> asked = {"2401.00001", "2401.00002", "2401.00003", "2401.00004", "hep-th/9901001"};
    const auto l = parse_atom_feed(fixture("shuffled.xml"), asked);
    REQUIRE(l.found.size() == 5);
    for (const auto& id : asked) {
        CHECK(l.found.at(id).id == id);
        CHECK(l.found.at(id).title == "Paper " + id);
    }
    CHECK(l.found.at("2401.00003").latest_version == 1);  // first in the answer
    CHECK(l.found.at("2401.00001").latest_version == 5);  // last
}

TEST_CASE("parse_atom_feed: an Error entry makes the id it names missing", "[arxiv]") {
    const auto l = parse_atom_feed(fixture("error_entry.xml"), {"2312.99999"});
    REQUIRE(l.missing.count("2312.99999") == 1);
    CHECK(l.missing.at("2312.99999") == "arXiv API error: incorrect id format for 2312.99999");
    CHECK(l.found.empty());
    CHECK(l.failed.empty());
    // The neighbours of an invalid id were not looked at: not dead, asked again by the client.
    const auto both = parse_atom_feed(fixture("error_entry.xml"), {"2312.99999", "2401.00001"});
    CHECK(both.missing.count("2312.99999") == 1);
    REQUIRE(both.failed.count("2401.00001") == 1);
    CHECK_THAT(both.failed.at("2401.00001"), Catch::Contains("not looked up"));
    // An Error entry naming none of the ids is about the query: the batch fails.
    const auto other = parse_atom_feed(fixture("error_entry.xml"), {"2401.00001"});
    REQUIRE(other.failed.count("2401.00001") == 1);
    CHECK_THAT(other.failed.at("2401.00001"), Catch::Contains("incorrect id format"));
}

TEST_CASE("parse_atom_feed: an entry outweighs an Error entry naming the same id, in either order", "[arxiv]") {
    // Found by the arxiv_atom fuzz target: the id ended up both found and missing.
    const std::string entry = "<entry><id>http://arxiv.org/abs/2401.00004v2</id><title>Paper</title></entry>";
    const std::string error =
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_2401.00004</id><title>Error</title>"
        "<summary>incorrect id format for 2401.00004</summary></entry>";
    for (const bool entry_first : {true, false}) {
        CAPTURE(entry_first);
        const std::string feed = "<feed xmlns=\"http://www.w3.org/2005/Atom\">" +
                                 (entry_first ? entry + error : error + entry) + "</feed>";
        const auto l = parse_atom_feed(feed, {"2401.00004", "2401.00005"});
        REQUIRE(l.found.count("2401.00004") == 1);
        CHECK(l.found.at("2401.00004").latest_version == 2);
        CHECK(l.missing.count("2401.00004") == 0);
        CHECK(l.failed.count("2401.00004") == 0);
        // The error named no other id: it is about the batch, and the neighbour is not called dead.
        REQUIRE(l.failed.count("2401.00005") == 1);
        CHECK(l.missing.count("2401.00005") == 0);
    }
}

TEST_CASE("parse_atom_feed: absent ids are missing, an empty feed for many ids is a failure", "[arxiv]") {
    const auto one = parse_atom_feed(fixture("empty_feed.xml"), {"2401.00001"});
    REQUIRE(one.missing.count("2401.00001") == 1);
    CHECK(one.missing.at("2401.00001") == "the arXiv API has no entry for this id");
    const auto many = parse_atom_feed(fixture("empty_feed.xml"), {"2401.00001", "2401.00002"});
    CHECK(many.missing.empty());
    REQUIRE(many.failed.size() == 2);
    CHECK_THAT(many.failed.at("2401.00002"), Catch::Contains("empty feed"));
    // One of three absent from an otherwise full answer: that one is missing.
    const auto partial = parse_atom_feed(fixture("multi_entry.xml"), {"2311.15153", "2208.04441", "2402.00001"});
    CHECK(partial.found.size() == 2);
    CHECK(partial.missing.count("2402.00001") == 1);
}

TEST_CASE("parse_atom_feed: old-style ids round-trip with and without subject class", "[arxiv]") {
    const auto l = parse_atom_feed(fixture("old_style.xml"), {"math.AG/0211159", "math/0211159"});
    REQUIRE(l.found.size() == 2);
    CHECK(l.found.at("math.AG/0211159").id == "math/0211159");
    CHECK(l.found.at("math/0211159").id == "math/0211159");
    CHECK(l.found.at("math/0211159").latest_version == 1);
    CHECK(l.found.at("math/0211159").primary_category == "math.DG");
}

TEST_CASE("parse_atom_feed: answers that are not feeds fail the batch with a clear message", "[arxiv]") {
    const std::vector<std::string> ids = {"2311.15153", "2208.04441"};
    const auto check_all_failed = [&](const ArxivLookup& l, const std::string& words) {
        CHECK(l.found.empty());
        CHECK(l.missing.empty());
        REQUIRE(l.failed.size() == 2);
        for (const auto& [id, reason] : l.failed) CHECK_THAT(reason, Catch::Contains(words));
    };
    check_all_failed(parse_atom_feed(fixture("rate_exceeded.txt"), ids), "Rate exceeded");
    check_all_failed(parse_atom_feed(fixture("html_page.html"), ids), "HTML page");
    check_all_failed(parse_atom_feed("<html><body><p>Oops<br></body></html>", ids), "HTML page");
    const std::string full = fixture("multi_entry.xml");
    check_all_failed(parse_atom_feed(full.substr(0, full.size() / 2), ids), "malformed XML");
    check_all_failed(parse_atom_feed("<feed><entry>", ids), "malformed XML");
    check_all_failed(parse_atom_feed("", ids), "empty answer");
    check_all_failed(parse_atom_feed("<rss version=\"2.0\"><channel/></rss>", ids), "not an Atom feed");
    // Atom elements without the Atom namespace are not Atom.
    check_all_failed(parse_atom_feed("<feed><entry><id>http://arxiv.org/abs/2311.15153v1</id></entry></feed>", ids),
                     "not an Atom feed");
}

TEST_CASE("parse_atom_feed resolves namespace prefixes by URI, not by spelling", "[arxiv]") {
    const std::string feed = R"(<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:x="http://arxiv.org/schemas/atom">
  <a:entry><a:id>https://arxiv.org/abs/2311.15153v3</a:id><a:title>T</a:title>
    <x:journal_ref>Remote Sens. 2023, 15, 1</x:journal_ref>
    <arxiv:comment xmlns:arxiv="urn:not-arxiv">ignored: other namespace</arxiv:comment>
  </a:entry></a:feed>)";
    const auto l = parse_atom_feed(feed, {"2311.15153"});
    REQUIRE(l.found.count("2311.15153") == 1);
    const auto& p = l.found.at("2311.15153");
    CHECK(p.latest_version == 3);
    CHECK(p.journal_ref == "Remote Sens. 2023, 15, 1");
    CHECK(p.comment.empty());
}

// ---- the client against the fixture server -------------------------------------------

TEST_CASE("arXiv client: one request answers a shuffled batch, invalid ids never leave", "[arxiv]") {
    ah::net::CurlGlobal curl;
    FixtureServer server;
    server.on("arxiv.test", "/api/query", ok_body(fixture("shuffled.xml")));
    boost::asio::io_context io;
    ah::net::HttpEngine engine(io, engine_for(server, {"arxiv.test"}));
    ArxivClient client(io, engine, settings_for("arxiv.test"));
    Pending p;
    client.lookup({"2401.00003v2", "2401.00001", "hep-th/9901001", "2401.00002", "2401.00004", "2401.00001v1",
                   "not-an-id", "arXiv:2401.00002"},
                  p.callback());
    REQUIRE(run_until(io, [&] { return p.result.has_value(); }, 5000ms));
    const ArxivLookup& l = *p.result;
    CHECK(l.requests == 1);
    CHECK(l.found.size() == 5);
    CHECK(l.found.at("hep-th/9901001").title == "Paper hep-th/9901001");
    CHECK(l.found.at("2401.00003").id == "2401.00003");
    CHECK(l.missing.at("not-an-id") == "not an arXiv identifier");
    const auto requests = server.requests("arxiv.test");
    REQUIRE(requests.size() == 1);
    CHECK(query_param(requests[0].target, "id_list") == "2401.00003,2401.00001,hep-th/9901001,2401.00002,2401.00004");
    CHECK(std::stoi(query_param(requests[0].target, "max_results")) >= 100);
}

TEST_CASE("arXiv client: Error entry, HTML page and truncated answers", "[arxiv]") {
    ah::net::CurlGlobal curl;
    FixtureServer server;
    server.on("err.test", "/api/query", ok_body(fixture("error_entry.xml")));
    server.on("html.test", "/api/query", ok_body(fixture("html_page.html")));
    Reply cut = ok_body(fixture("multi_entry.xml"));
    cut.body.resize(cut.body.size() / 3);
    server.on("cut.test", "/api/query", cut);
    Reply server_error = ok_body("<html>oops</html>");
    server_error.status = 500;
    server.on("down.test", "/api/query", server_error);
    boost::asio::io_context io;
    ah::net::HttpEngine engine(io, engine_for(server, {"err.test", "html.test", "cut.test", "down.test"}));
    ArxivClient err(io, engine, settings_for("err.test"));
    ArxivClient html(io, engine, settings_for("html.test"));
    ArxivClient truncated(io, engine, settings_for("cut.test"));
    auto no_retries = settings_for("down.test");
    no_retries.max_retries = 0;
    ArxivClient down(io, engine, no_retries);
    Pending e, h, t, d;
    err.lookup({"2312.99999"}, e.callback());
    html.lookup({"2311.15153"}, h.callback());
    truncated.lookup({"2311.15153"}, t.callback());
    down.lookup({"2311.15153"}, d.callback());
    REQUIRE(run_until(io, [&] { return e.result && h.result && t.result && d.result; }, 5000ms));
    CHECK(e.result->missing.at("2312.99999") == "arXiv API error: incorrect id format for 2312.99999");
    CHECK_THAT(h.result->failed.at("2311.15153"), Catch::Contains("HTML page"));
    CHECK_THAT(t.result->failed.at("2311.15153"), Catch::Contains("malformed XML"));
    CHECK_THAT(d.result->failed.at("2311.15153"), Catch::Contains("HTTP 500"));
    CHECK(d.result->requests == 1);
}

// The scenarios that need several requests each wait >= 3 s between them; they run side by
// side, one client per virtual host, so the test takes ~6 s rather than their sum.
TEST_CASE("arXiv client: batching, spacing, retries and per-batch failures", "[arxiv]") {
    ah::net::CurlGlobal curl;
    FixtureServer server;
    // Batching: 250 ids, batch_size 100 -> 3 requests, each answered in reverse order.
    server.on("batches.test", "/api/query", echo_feed);
    // "Rate exceeded." (plain text, no Retry-After), then the feed.
    server.sequence("rate.test", "/api/query", {ok_body(fixture("rate_exceeded.txt")), ok_body(fixture("shuffled.xml"))});
    // 429 with Retry-After, every time: fails after max_retries.
    Reply limited;
    limited.status = 429;
    limited.headers = {{"Retry-After", "1"}};
    server.on("limited.test", "/api/query", limited);
    // The batch holding 2401.00001 gets malformed XML; the other batch is fine.
    server.on("broken.test", "/api/query", [](const RecordedRequest& r) {
        const auto ids = split_ids(query_param(r.target, "id_list"));
        if (std::find(ids.begin(), ids.end(), "2401.00001") != ids.end()) return ok_body("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>");
        return echo_feed(r);
    });
    // An invalid id takes its batch down; its neighbour is asked again on its own.
    server.on("neighbour.test", "/api/query", [](const RecordedRequest& r) {
        const auto ids = split_ids(query_param(r.target, "id_list"));
        if (std::find(ids.begin(), ids.end(), "2312.99999") != ids.end()) return ok_body(fixture("error_entry.xml"));
        return echo_feed(r);
    });

    boost::asio::io_context io;
    ah::net::HttpEngine engine(
        io, engine_for(server, {"batches.test", "rate.test", "limited.test", "broken.test", "neighbour.test"}));

    auto batching = settings_for("batches.test");
    batching.batch_size = 100;
    ArxivClient batches(io, engine, batching);
    CHECK(batches.settings().min_interval == 3000ms);  // 10 ms was asked for
    ArxivClient rate(io, engine, settings_for("rate.test"));
    auto one_retry = settings_for("limited.test");
    one_retry.max_retries = 1;
    ArxivClient limited_client(io, engine, one_retry);
    auto small_batches = settings_for("broken.test");
    small_batches.batch_size = 2;
    ArxivClient broken(io, engine, small_batches);
    ArxivClient neighbour(io, engine, settings_for("neighbour.test"));

    std::vector<std::string> many = numbered_ids(250);
    many.push_back("2401.00007v3");  // a duplicate
    Pending pb, pr, pl, pk, pn;
    batches.lookup(many, pb.callback());
    rate.lookup({"2401.00001", "2401.00002", "2401.00003", "2401.00004", "hep-th/9901001"}, pr.callback());
    limited_client.lookup({"2401.00001"}, pl.callback());
    broken.lookup({"2401.00001", "2401.00002", "2401.00003", "2401.00004"}, pk.callback());
    neighbour.lookup({"2312.99999", "2401.00005"}, pn.callback());
    REQUIRE(run_until(io, [&] { return pb.result && pr.result && pl.result && pk.result && pn.result; }, 12000ms));

    {
        INFO("250 ids in batches of 100: 3 requests, spaced >= 3 s, answers mapped by id");
        const ArxivLookup& l = *pb.result;
        CHECK(l.requests == 3);
        CHECK(l.found.size() == 250);
        CHECK(l.missing.empty());
        CHECK(l.failed.empty());
        for (const auto& id : numbered_ids(250)) {
            REQUIRE(l.found.count(id) == 1);
            CHECK(l.found.at(id).title == "Paper " + id);
        }
        const auto requests = server.requests("batches.test");
        REQUIRE(requests.size() == 3);
        const std::size_t sizes[] = {100, 100, 50};
        for (std::size_t i = 0; i < 3; ++i) {
            const auto ids = split_ids(query_param(requests[i].target, "id_list"));
            CHECK(ids.size() == sizes[i]);
            CHECK(std::stoul(query_param(requests[i].target, "max_results")) >= ids.size());
            CHECK(std::stoul(query_param(requests[i].target, "max_results")) >= 100);
        }
        REQUIRE(l.request_times.size() == 3);
        for (std::size_t i = 1; i < 3; ++i) {
            CHECK(ms_between(l.request_times[i - 1], l.request_times[i]) >= 3000ms);
            // As the server saw them, allowing for scheduling jitter on its side only.
            CHECK(ms_between(requests[i - 1].at, requests[i].at) >= 2950ms);
        }
    }
    {
        INFO("Rate exceeded, then success: found after one retry, waiting twice the interval");
        const ArxivLookup& l = *pr.result;
        CHECK(l.requests == 2);
        CHECK(l.found.size() == 5);
        CHECK(l.failed.empty());
        REQUIRE(l.request_times.size() == 2);
        CHECK(ms_between(l.request_times[0], l.request_times[1]) >= 6000ms);
    }
    {
        INFO("429 that persists: the batch fails after max_retries, Retry-After still >= 3 s apart");
        const ArxivLookup& l = *pl.result;
        CHECK(l.requests == 2);
        CHECK(l.found.empty());
        CHECK(l.missing.empty());
        REQUIRE(l.failed.count("2401.00001") == 1);
        CHECK_THAT(l.failed.at("2401.00001"), Catch::Contains("429") && Catch::Contains("after 2 attempts"));
        CHECK(ms_between(l.request_times[0], l.request_times[1]) >= 3000ms);
    }
    {
        INFO("malformed XML fails its batch only; the other batch is found");
        const ArxivLookup& l = *pk.result;
        CHECK(l.requests == 2);
        CHECK(l.failed.size() == 2);
        CHECK_THAT(l.failed.at("2401.00001"), Catch::Contains("malformed XML"));
        CHECK(l.failed.count("2401.00002") == 1);
        CHECK(l.found.count("2401.00003") == 1);
        CHECK(l.found.count("2401.00004") == 1);
        CHECK(l.missing.empty());
    }
    {
        INFO("an invalid id is missing; the neighbour it took down is asked again and found");
        const ArxivLookup& l = *pn.result;
        CHECK(l.requests == 2);
        CHECK(l.missing.count("2312.99999") == 1);
        CHECK(l.found.count("2401.00005") == 1);
        CHECK(l.failed.empty());
    }
}
