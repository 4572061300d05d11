// Configuration tests: the shipped config.toml documents every key with its real default,
// and every kind of mistake gets a message naming file:line:column.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "ah/config.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::TempDir;

namespace {

std::string shipped_config_path() { return std::string(AH_SOURCE_DIR) + "/config.toml"; }

// Maps "section.key" (hosts.* and remap[] for the templated tables) to the value text of
// its line in config.toml, commented out or not.
std::map<std::string, std::string> documented_keys(const std::string& text) {
    std::map<std::string, std::string> out;
    const std::regex section(R"(^#?\s*\[\[?([^\]]+)\]\]?\s*$)");
    const std::regex key(R"(^#?\s*([a-z_0-9]+)\s*=\s*(.*?)\s*(#[^"]*)?$)");
    std::string current;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, section)) {
            current = m[1];
            if (current.rfind("hosts.", 0) == 0) current = "hosts.*";
            if (line.find("[[") != std::string::npos) current += "[]";
        } else if (std::regex_match(line, m, key) && !current.empty()) {
            out.emplace(current + "." + std::string(m[1]), m[2]);
        }
    }
    return out;
}

Result<Config> load_text(const TempDir& dir, const std::string& text) {
    return load_config(dir.write("c.toml", text));
}

}  // namespace

TEST_CASE("the shipped config.toml loads", "[config]") {
    auto config = load_config(shipped_config_path());
    REQUIRE(config.ok());
    CHECK(config->list.source == "tests/fixtures/awesome-rsfm-README.md");
    CHECK(config->resolve_path(config->list.source) == std::string(AH_SOURCE_DIR) + "/tests/fixtures/awesome-rsfm-README.md");
}

TEST_CASE("config.toml documents every key with its default", "[config]") {
    const auto documented = documented_keys(ah::testing::read_file(shipped_config_path()));
    for (const auto& key : config_keys()) {
        INFO("key " << key.path);
        const auto it = documented.find(key.path);
        REQUIRE(it != documented.end());
        if (key.path.find('*') == std::string::npos && key.path.find("[]") == std::string::npos)
            CHECK(it->second == key.default_toml);
    }
    // And nothing is documented that the loader does not know.
    const auto keys = config_keys();
    for (const auto& [path, value] : documented) {
        INFO("documented " << path);
        CHECK(std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.path == path; }));
    }
}

TEST_CASE("each documented default, set explicitly, loads or says 'not implemented yet'", "[config]") {
    TempDir dir;
    for (const auto& key : config_keys()) {
        if (key.path.find('*') != std::string::npos || key.path.find("[]") != std::string::npos) continue;
        const auto dot = key.path.rfind('.');
        const std::string text = "[" + key.path.substr(0, dot) + "]\n" + key.path.substr(dot + 1) + " = " +
                                 key.default_toml + "\n";
        INFO(text);
        const auto loaded = load_text(dir, text);
        if (key.implemented) {
            CHECK(loaded.ok());
        } else {
            REQUIRE_FALSE(loaded.ok());
            CHECK(loaded.error().message == "'" + key.path + "' is not implemented yet");
            CHECK(loaded.error().where.line == 2);
        }
    }
}

TEST_CASE("configuration mistakes name file, line, column and the fix", "[config]") {
    TempDir dir;
    const std::string file = dir.file("c.toml");
    SECTION("unknown key with a suggestion") {
        const auto r = load_text(dir, "[list]\nsorce = \"x.md\"\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().to_string() == file + ":2:9: unknown key 'sorce' in [list] (did you mean 'list.source'?)");
    }
    SECTION("a key in the wrong section") {
        const auto r = load_text(dir, "[list]\ntimeout_ms = 5\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().hint == "did you mean 'check.timeout_ms'?");
    }
    SECTION("unknown section") {
        const auto r = load_text(dir, "[lsit]\nsource = \"x\"\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "unknown section or key 'lsit'");
        CHECK(r.error().hint == "did you mean 'list'?");
    }
    SECTION("wrong type") {
        const auto r = load_text(dir, "[list]\nmax_bytes = \"big\"\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().where.line == 2);
        CHECK(r.error().where.column == 13);
        CHECK(r.error().message == "list.max_bytes: expected an integer (1 to 4294967296), got a string");
    }
    SECTION("out of range") {
        const auto r = load_text(dir, "[list]\nmax_bytes = 0\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "list.max_bytes: 0 is out of range: expected 1 to 4294967296");
    }
    SECTION("invalid TOML") {
        const auto r = load_text(dir, "[list]\nsource = \"unterminated\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.rfind("invalid TOML", 0) == 0);
        CHECK(r.error().where.line == 2);
    }
    SECTION("per-host tables are validated") {
        const auto r = load_text(dir, "[hosts.\"arxiv.org\"]\nin_fligth = 2\n");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "unknown key 'in_fligth' in [hosts.\"arxiv.org\"]");
        CHECK(r.error().hint == "did you mean 'hosts.*.in_flight'?");
    }
    SECTION("a missing file and a directory") {
        CHECK(load_config(dir.file("none.toml")).error().message == "no such configuration file");
        CHECK(load_config(dir.path()).error().message.find("directory") != std::string::npos);
    }
    SECTION("regular expressions with absurd counts are refused before std::regex sees them") {
        // Found by the config fuzz target: libstdc++'s regex compiler overflowed a long (UBSan).
        for (const char* pattern : {"a{99999999999999999999}", "a{1,99999999999999999999}", "(a)\\99999999999999999999"}) {
            const auto r = parse_config(fmt::format("[[remap]]\npattern = '{}'\nreplacement = \"x\"\n", pattern), "c.toml");
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().message.find("more than 9 digits") != std::string::npos);
        }
        CHECK(parse_config("[filter]\nexclude = ['^https://x\\.org/a{2,5}$']\n", "c.toml").ok());
    }
    SECTION("text already in memory, named like a file (the fuzz target loads it so)") {
        const auto r = parse_config("[list]\nsorce = \"x.md\"\n", "fuzz.toml");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().to_string() == "fuzz.toml:2:9: unknown key 'sorce' in [list] (did you mean 'list.source'?)");
        const auto loaded = parse_config("[check]\ntimeout_ms = 1000\n", "/etc/awesome-health/config.toml");
        REQUIRE(loaded.ok());
        CHECK(loaded->check.timeout_ms == 1000);
        CHECK(loaded->base_dir == "/etc/awesome-health");
    }
}

TEST_CASE("command-line overrides beat the file", "[config]") {
    TempDir dir;
    auto config = load_text(dir, "[list]\nsource = \"from-file.md\"\nmax_bytes = 100\n");
    REQUIRE(config.ok());
    REQUIRE(apply_overrides(*config, {"list.max_bytes=200", "list.source=from-cli.md"}).ok());
    CHECK(config->list.max_bytes == 200);
    CHECK(config->list.source == "from-cli.md");  // a bare word is a string
    const auto typo = apply_overrides(*config, {"list.sorce=x"});
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.error().kind == ErrorKind::usage);
    CHECK(typo.error().hint == "did you mean 'list.source'?");
    const auto far = apply_overrides(*config, {"list.nope=1"});
    REQUIRE_FALSE(far.ok());
    CHECK(far.error().hint == "valid keys here: source, max_bytes");
    CHECK_FALSE(apply_overrides(*config, {"no-equals-sign"}).ok());
    CHECK_FALSE(apply_overrides(*config, {"list.max_bytes=-5"}).ok());
}
