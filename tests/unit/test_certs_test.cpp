// Tests of the throwaway test PKI: files, cleanup, and the error when openssl is missing.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "support/fixture_server.h"
#include "support/test_certs.h"

using ah::testing::TestCerts;
using ah::testing::TestCertsOptions;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Swaps PATH for the scope; only safe while no other thread reads the environment.
class ScopedPath {
public:
    explicit ScopedPath(const char* value) {
        if (const char* old = std::getenv("PATH")) saved_ = old;
        ::setenv("PATH", value, 1);
    }
    ~ScopedPath() {
        if (saved_) {
            ::setenv("PATH", saved_->c_str(), 1);
        } else {
            ::unsetenv("PATH");
        }
    }
    ScopedPath(const ScopedPath&) = delete;
    ScopedPath& operator=(const ScopedPath&) = delete;

private:
    std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("TestCerts writes PEM files into a temp dir it removes", "[fixture]") {
    std::string dir;
    {
        TestCerts certs(TestCertsOptions{{"extra.test"}, false, 1});
        dir = certs.dir();
        CHECK(std::filesystem::is_directory(dir));
        CHECK(read_text(certs.ca_file()).rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
        CHECK(read_text(certs.cert_file()).rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
        CHECK(read_text(certs.key_file()).find("PRIVATE KEY-----") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("TestCerts explains a missing openssl CLI", "[fixture]") {
    ScopedPath no_tools("/nonexistent-ah-path");
    CHECK_THROWS_WITH(ah::testing::FixtureServer(),
                      Catch::Contains("openssl") && Catch::Contains("No such file"));
}
