// `awesome-health check` as CI runs it: the real list against the fixture server, the
// report it writes, its exit statuses, and the outage guard leaving old reports alone.
#include <catch2/catch.hpp>

#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/extract.h"
#include "support/fake_apis.h"
#include "support/fixture_server.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::FixtureServer;
using ah::testing::Reply;
using ah::testing::run_process;
using ah::testing::TempDir;

namespace {

const std::string list_path = AH_FIXTURES_DIR "/awesome-rsfm-README.md";

std::string config_for(const FixtureServer& server, const std::string& extra = "") {
    std::string connect;
    for (const auto& c : server.connect_to()) connect += fmt::format("{}\"{}\"", connect.empty() ? "" : ", ", c);
    return fmt::format(
        "[list]\nsource = \"{}\"\n\n[check]\ntimeout_ms = 2000\nretry_base_ms = 10\nretry_max_ms = 50\n"
        "min_interval_ms = 2\nprogress = \"never\"\n\n[network]\nconnect_to = [{}]\nca_bundle = \"{}\"\n{}",
        list_path, connect, server.ca_file(), extra);
}

Reply status(int code) {
    Reply r;
    r.status = code;
    return r;
}

std::set<std::string> hosts_of_real_list() {
    auto text = read_list_file(list_path, 1 << 20);
    REQUIRE(text.ok());
    const Catalog c = extract_catalog(*text, list_path);
    std::set<std::string> hosts;
    for (const auto& t : c.targets)
        if (t.kind != LinkKind::relative && t.kind != LinkKind::other_scheme) hosts.insert(classify_url(t.url).host);
    return hosts;
}

}  // namespace

TEST_CASE("check on the real list against the fixture server and fake APIs", "[check][cli][metadata]") {
    const std::string token = "ghp_test_token_s3cr3t_value_0123456789";
    FixtureServer server;
    for (const auto& host : hosts_of_real_list()) server.on(host, "*", status(200));
    server.on("ieeexplore.ieee.org", "/abstract/document/9559903", status(418));  // GeoKR: bot wall
    Reply model;
    model.body = ah::testing::read_file(std::string(AH_FIXTURES_DIR) + "/huggingface/model.json");
    server.on("huggingface.co", "/api/models/Zilun/GeoRSSD", model);
    Reply archived_copy;
    archived_copy.body = ah::testing::read_file(std::string(AH_FIXTURES_DIR) + "/wayback/available.json");
    server.on("archive.org", "/wayback/available", archived_copy);

    ah::testing::FakeGithub github;
    github.expected_token = token;
    github.repos["servicenow/seasonal-contrast"].name_with_owner = "ServiceNow/seasonal-contrast-v2";  // SeCo: renamed
    github.missing.insert("isaaccorley/hydro-foundation-model");                                     // Hydro: gone
    github.repos["zhu-xlab/dofa"].archived = true;
    github.repos["flyakon/geographical-knowledge-driven-representaion-learning"].last_commit_at = "2021-09-01T00:00:00Z";
    github.install(server);

    // arXiv knows every paper of the list under the list's own title, except:
    ah::testing::FakeArxiv arxiv;
    auto text = read_list_file(list_path, 1 << 20);
    REQUIRE(text.ok());
    const Catalog catalog = extract_catalog(*text, list_path);
    for (const auto& link : catalog.links)
        if (link.info.kind() == LinkKind::arxiv && link.role == LinkRole::paper && link.entry != no_index)
            arxiv.papers[std::string(link.info.id())].title = catalog.entries[link.entry].title;
    arxiv.papers["2304.05215"].journal_ref = "IEEE Transactions on Geoscience and Remote Sensing, vol. 62, 2024";  // BFM: Arxiv2023
    arxiv.papers["2403.15356"].title = "Protein folding with large language models";                          // DOFA: wrong paper?
    arxiv.papers["2311.15153"].version = 5;                                                                  // list pins v4
    arxiv.papers["2312.10115"].comment = "Accepted by CVPR 2024. Code: https://github.com/Jack-bo1220/SkySense";
    arxiv.missing.insert("2304.13009");
    arxiv.install(server);

    TempDir dir;
    const auto config = dir.write("config.toml", config_for(server, "\n[reports]\ndir = \"out\"\n"
                                                                    "[venues]\nfile = \"" AH_SOURCE_DIR "/data/venues.toml\"\n"));
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config}, {{}, {"GITHUB_TOKEN=" + token}});
    INFO(r.err);
    // First run: the dead links are "failing (1 of 2)" (confirm_after = 2): nothing newly dead yet.
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("First run") != std::string::npos);
    CHECK(r.out.find("Failing, not yet confirmed (2)") != std::string::npos);
    CHECK(r.out.find("230 targets") != std::string::npos);
    // Request economy: 77 repositories in 2 GraphQL requests, 90 arXiv ids in 1 request.
    CHECK(*github.requests == 2);
    CHECK(*arxiv.requests == 1);
    CHECK(r.out.find("GitHub: 77 repositories in 2 GraphQL and 0 REST requests") != std::string::npos);
    CHECK(r.out.find("arXiv: 90 ids in 1 requests") != std::string::npos);
    // Pages fetched on github.com: the organisation page github.com/fMoW and the paths of the
    // five deep links (graphs/commit-activity, TOV's tree/main/TOV_v1, LeMeViT's tree/main,
    // satlas's blob/main/SatlasPretrain.md, RS-GPT4V's tree/main); never a plain repository.
    CHECK(server.hits("github.com") == 6);
    CHECK(server.hits("arxiv.org") == 0);   // arXiv links are judged by the API
    CHECK(r.out.find("maybe https://github.com/Jack-bo1220/SkySense") != std::string::npos);

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const std::string json = ah::testing::read_file(dir.file("out/health.json"));
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    CHECK(uint64_t(doc["summary"]["dead"]) == 2);
    CHECK(uint64_t(doc["summary"]["moved"]) == 1);
    CHECK(uint64_t(doc["summary"]["blocked"]) == 1);
    CHECK(uint64_t(doc["summary"]["ok"]) == 226);
    CHECK(doc["entries"].get_array().size() == 152);
    std::size_t checked = 0;
    for (simdjson::dom::element t : doc["targets"].get_array()) {
        ++checked;
        std::string_view url = t["url"];
        std::string_view verdict = t["verdict"];
        if (url == "https://github.com/ServiceNow/seasonal-contrast") {
            CHECK(verdict == "moved");
            CHECK(std::string_view(t["checked_by"]) == "github_api");
            CHECK(std::string_view(t["final_url"]) == "https://github.com/ServiceNow/seasonal-contrast-v2");
        }
        if (url == "https://github.com/isaaccorley/hydro-foundation-model") {
            CHECK(verdict == "dead");
            CHECK(std::string_view(t["archive_url"]).find("web.archive.org") != std::string_view::npos);
        }
        if (url == "https://arxiv.org/abs/2304.13009") CHECK(verdict == "dead");
        if (url == "https://arxiv.org/abs/2304.05215") {
            CHECK(std::string_view(t["metadata"]["arxiv"]["inferred_venue"]) == "TGRS");
            CHECK(int64_t(t["metadata"]["arxiv"]["inferred_year"]) == 2024);
        }
        if (url == "https://github.com/zhu-xlab/DOFA") CHECK(bool(t["metadata"]["github"]["archived"]));
        if (url == "https://huggingface.co/Zilun/GeoRSSD") {
            CHECK(std::string_view(t["checked_by"]) == "huggingface_api");
            CHECK(int64_t(t["metadata"]["huggingface"]["likes"]) == 56);
        }
        if (url == "https://ieeexplore.ieee.org/abstract/document/9559903") CHECK(verdict == "blocked");
    }
    CHECK(checked == 230);
    std::set<std::string> kinds;
    for (simdjson::dom::element f : doc["findings"].get_array()) kinds.insert(std::string(std::string_view(f["kind"])));
    for (const char* k : {"stale_venue", "title_mismatch", "archived_repo", "renamed_repo", "stale_repo",
                          "placeholder_now_available", "arxiv_newer_version", "dead_link_archive"}) {
        INFO(k);
        CHECK(kinds.count(k) == 1);
    }
    const std::string md = ah::testing::read_file(dir.file("out/diff.md"));
    CHECK(md.find("hydro-foundation-model") != std::string::npos);
    CHECK(md.find("Stale metadata") != std::string::npos);
    // The token is never printed nor written.
    for (const std::string& artifact : {r.out, r.err, json, md, ah::testing::read_file(dir.file("out/diff.json"))})
        CHECK(artifact.find(token) == std::string::npos);
    for (const auto& host : hosts_of_real_list()) {
        INFO(host);
        CHECK(server.peak_concurrency(host) <= 8);
        for (const auto& req : server.requests(host)) CHECK(req.header("authorization").empty());
    }

    // Second night: the dead links are confirmed: newly dead, exit 1.
    const auto second = run_process({ah::testing::tool_path(), "check", "--config", config}, {{}, {"GITHUB_TOKEN=" + token}});
    CHECK(second.exit_code == 1);
    CHECK(second.out.find("Newly dead (2)") != std::string::npos);
}

TEST_CASE("check: a token GitHub rejects skips metadata but still checks the links", "[check][cli][metadata]") {
    FixtureServer server;
    server.on("github.com", "*", status(200));
    ah::testing::FakeGithub github;
    github.expected_token = "the-right-token";
    github.install(server);
    TempDir dir;
    dir.write("list.md", "|Name|Code|\n|---|---|\n|A|[c](https://github.com/a/b)|\n|B|[c](https://github.com/c/d)|\n");
    const auto config = dir.write("config.toml", config_for(server, "\n[reports]\ndir = \"r\"\n"));
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, dir.file("list.md")},
                               {{}, {"GITHUB_TOKEN=a-wrong-token"}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(*github.requests == 1);
    CHECK(server.hits("github.com") == 2);  // both checked as pages instead
    CHECK(r.out.find("warning: GitHub:") != std::string::npos);
    CHECK(r.out.find("a-wrong-token") == std::string::npos);
    CHECK(r.out.find("2 ok") != std::string::npos);
}

TEST_CASE("check: exit 0 when healthy, fail_on none, and a URL list source", "[check][cli]") {
    FixtureServer server;
    server.on("lists.test", "/README.md", [](const ah::testing::RecordedRequest&) {
        Reply r;
        r.body = "|Name|Code|\n|---|---|\n|x|[c](https://alpha.test/ok)|\n|y|[d](https://alpha.test/gone)|\n";
        return r;
    });
    server.on("alpha.test", "/ok", status(200));
    server.on("alpha.test", "/gone", status(404));
    TempDir dir;
    const auto config = dir.write("config.toml", config_for(server, "\n[reports]\ndir = \"r\"\nfail_on = \"none\"\n"));
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, "http://lists.test/README.md"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("2 targets") != std::string::npos);
    CHECK(ah::testing::read_file(dir.file("r/health.json")).find("\"source\": \"http://lists.test/README.md\"") !=
          std::string::npos);
    const auto missing = run_process({ah::testing::tool_path(), "check", "--config", config, "http://lists.test/none.md"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("HTTP 404") != std::string::npos);
}

TEST_CASE("check: a network outage exits 3 and leaves the old report untouched", "[check][cli]") {
    TempDir dir;
    const std::string md = "|A|Paper|\n|---|---|\n|a|[p](http://alpha.test/)|\n|b|[p](http://beta.test/)|\n"
                           "|c|[p](http://gamma.test/)|\n|d|[p](http://delta.test/)|\n";
    const auto list = dir.write("list.md", md);
    // Every host points at a port nothing listens on: what a runner without network sees.
    const auto config = dir.write("config.toml",
                                  "[check]\nmax_retries = 0\nprogress = \"never\"\n[network]\nconnect_to = [\":80:127.0.0.1:9\"]\n"
                                  "[reports]\ndir = \"reports\"\n");
    const std::string old_report = "{\"schema_version\": 1, \"old\": true}\n";
    dir.write("reports/health.json", old_report);
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, list});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("network unavailable") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(ah::testing::read_file(dir.file("reports/health.json")) == old_report);
}

TEST_CASE("check: bad configuration and unwritable reports are clear errors", "[check][cli]") {
    TempDir dir;
    const auto list = dir.write("list.md", "[x](#nowhere)\n");
    const auto bad_regex = dir.write("bad.toml", "[filter]\nexclude = [\"(unclosed\"]\n");
    auto r = run_process({ah::testing::tool_path(), "check", "--config", bad_regex, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml:2:11: filter.exclude: element 0: invalid regular expression") != std::string::npos);
    const auto bad_remap = dir.write("remap.toml", "[[remap]]\npattern = \"[\"\nreplacement = \"x\"\n");
    r = run_process({ah::testing::tool_path(), "check", "--config", bad_remap, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("remap.toml:2:11: remap[0].pattern: invalid regular expression") != std::string::npos);
    // reports.dir is a file: the report cannot be written.
    dir.write("blocker", "");
    const auto blocked = dir.write("blocked.toml", "[check]\nprogress = \"never\"\n[reports]\ndir = \"blocker\"\n");
    r = run_process({ah::testing::tool_path(), "check", "--config", blocked, list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("blocker") != std::string::npos);
}

TEST_CASE("check: the progress line shows counts and the busiest hosts", "[check][cli]") {
    FixtureServer server;
    Reply slow = status(200);
    slow.delay = std::chrono::milliseconds(900);
    server.on("slow.test", "*", slow);
    server.on("alpha.test", "*", status(200));
    TempDir dir;
    dir.write("list.md", "[a](http://slow.test/1) [b](http://slow.test/2) [c](http://alpha.test/3)\n");
    const auto config = dir.write("config.toml", config_for(server) + "\n[reports]\ndir = \"r\"\n");
    const auto r = run_process({ah::testing::tool_path(), "check", "--config", config, "--set",
                                "check.progress=always", dir.file("list.md")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("checked 1/3") != std::string::npos);
    CHECK(r.err.find("slow: slow.test") != std::string::npos);
    CHECK(r.out.find("checked") == std::string::npos);  // progress never goes to stdout
    const auto quiet = run_process({ah::testing::tool_path(), "check", "-q", "--config", config, "--set",
                                    "check.progress=always", dir.file("list.md")});
    CHECK(quiet.err.find("checked") == std::string::npos);
}
