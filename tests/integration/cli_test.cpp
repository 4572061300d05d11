// The command line as users and CI see it: exit statuses, messages on stderr, JSON on stdout.
#include <catch2/catch.hpp>

#include <filesystem>

#include <simdjson.h>

#include <algorithm>

#include "support/run_process.h"

using ah::testing::run_process;
using ah::testing::TempDir;
using ah::testing::tool_path;

namespace {

const std::string list_path = AH_FIXTURES_DIR "/awesome-rsfm-README.md";

}  // namespace

TEST_CASE("dump --format json on the real list is valid JSON with the contract's fields", "[cli]") {
    const auto r = run_process({tool_path(), "dump", "--format", "json", list_path});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    simdjson::dom::array entries, links, targets, findings;
    REQUIRE(doc["entries"].get(entries) == simdjson::SUCCESS);
    REQUIRE(doc["links"].get(links) == simdjson::SUCCESS);
    REQUIRE(doc["targets"].get(targets) == simdjson::SUCCESS);
    REQUIRE(doc["findings"].get(findings) == simdjson::SUCCESS);
    CHECK(entries.size() == 152);
    CHECK(targets.size() == 230);
    for (simdjson::dom::element link : links) {
        CHECK(link["url"].is_string());
        CHECK(link["line"].is_int64());
        CHECK(link["role"].is_string());
        CHECK(link["kind"].is_string());
        std::string_view kind;
        REQUIRE(link["kind"].get(kind) == simdjson::SUCCESS);
        if (kind == "arxiv") CHECK(link["arxiv_id"].is_string());
        if (kind == "github_repo") CHECK(link["repo"].is_string());
    }
    for (simdjson::dom::element entry : entries) {
        CHECK(entry["section"].is_string());
        CHECK(entry["cells"].is_object());
        CHECK(entry["links"].is_array());
        CHECK((entry["venue"].is_string() || entry["venue"].is_null()));
        CHECK((entry["year"].is_int64() || entry["year"].is_null()));
    }
}

TEST_CASE("dump --format text is for people", "[cli]") {
    const auto r = run_process({tool_path(), "dump", "--format", "text", list_path});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("152 entries, 273 links, 230 unique targets") != std::string::npos);
    CHECK(r.out.find("SatMAE") != std::string::npos);
}

TEST_CASE("bad lists: one message naming the file, exit 2, nothing on stdout", "[cli]") {
    TempDir dir;
    struct Case {
        std::string path;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {dir.file("missing.md"), "missing.md: no such file"},
        {dir.path(), "is a directory"},
        {dir.write("garbage.md", std::string("\x7f" "ELF\0\0\x01\x02", 8)), "garbage.md:1: contains a NUL byte"},
        {dir.write("empty.md", ""), "empty.md: is empty (0 bytes)"},
    };
    for (const auto& c : cases) {
        INFO(c.path);
        const auto r = run_process({tool_path(), "dump", c.path});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(c.expected) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

TEST_CASE("bad configuration: file:line:column and exit 2", "[cli]") {
    TempDir dir;
    const auto invalid = dir.write("invalid.toml", "[list\n");
    auto r = run_process({tool_path(), "dump", "--config", invalid, list_path});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("invalid.toml:1:") != std::string::npos);
    CHECK(r.err.find("invalid TOML") != std::string::npos);

    const auto unknown = dir.write("unknown.toml", "[list]\nsource = \"x.md\"\nmax_byte = 5\n");
    r = run_process({tool_path(), "dump", "--config", unknown});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown.toml:3:12: unknown key 'max_byte' in [list] (did you mean 'list.max_bytes'?)") !=
          std::string::npos);

    r = run_process({tool_path(), "dump", "--config", dir.file("nope.toml"), list_path});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nope.toml: no such configuration file") != std::string::npos);
}

TEST_CASE("the list comes from the configuration, relative to the config file", "[cli]") {
    TempDir dir;
    dir.write("list.md", "|A|Paper|\n|---|---|\n|x|[p](https://a.example.org/)|\n");
    const auto config = dir.write("c.toml", "[list]\nsource = \"list.md\"\n");
    const auto r = run_process({tool_path(), "dump", "--format", "text", "--config", config});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("1 entries, 1 links") != std::string::npos);
    // --set beats the file.
    const auto over = run_process({tool_path(), "dump", "--config", config, "--set", "list.max_bytes=10"});
    CHECK(over.exit_code == 2);
    CHECK(over.err.find("over the limit of 10 bytes") != std::string::npos);
}

TEST_CASE("a list over the default 64 MiB limit is refused before it is read", "[cli]") {
    TempDir dir;
    const auto list = dir.write("huge.md", "");
    std::filesystem::resize_file(list, (std::uint64_t{64} << 20) + 1);  // sparse: costs no disk
    const auto r = run_process({tool_path(), "dump", "--format", "text", list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("huge.md: is 67108865 bytes, over the limit of 67108864 bytes") != std::string::npos);
    CHECK(r.err.find("list.max_bytes") != std::string::npos);
}

TEST_CASE("cli: --set takes one value each time, so LIST may follow it", "[cli]") {
    TempDir dir;
    const auto list = dir.write("list.md", "|A|Paper|\n|---|---|\n|x|[p](https://a.example.org/)|\n");
    auto r = run_process({tool_path(), "dump", "--format", "text", "--set", "list.max_bytes=1000", list});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("1 entries, 1 links") != std::string::npos);
    // Repeated, before and after the command name; the last one given for a key wins.
    r = run_process({tool_path(), "--set", "list.max_bytes=10", "dump", "--set", "check.timeout_ms=5000", "--set",
                     "list.max_bytes=20", list});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("over the limit of 20 bytes") != std::string::npos);
}

TEST_CASE("usage: --help, --version, unknown commands", "[cli]") {
    auto r = run_process({tool_path(), "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("dump") != std::string::npos);
    r = run_process({tool_path(), "dump", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--format") != std::string::npos);
    r = run_process({tool_path(), "--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("awesome-health ") == 0);
    r = run_process({tool_path(), "frobnicate"});
    CHECK(r.exit_code == 2);
    r = run_process({tool_path()});
    CHECK(r.exit_code == 2);
    r = run_process({tool_path(), "dump", "--format", "yaml", list_path});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
}
