// Tests for Result<T> and Error formatting.
#include <catch2/catch.hpp>

#include "ah/result.h"

TEST_CASE("Error::to_string names file, line and column") {
    ah::Error e{ah::ErrorKind::config, "unknown key 'x'", {"config.toml", 3, 7}, ""};
    CHECK(e.to_string() == "config.toml:3:7: unknown key 'x'");
    e.where.column = 0;
    CHECK(e.to_string() == "config.toml:3: unknown key 'x'");
    e.where = {};
    e.hint = "did you mean 'y'?";
    CHECK(e.to_string() == "unknown key 'x' (did you mean 'y'?)");
}

TEST_CASE("Result holds a value or an error") {
    ah::Result<int> good = 4;
    REQUIRE(good.ok());
    CHECK(*good == 4);
    ah::Result<int> bad = ah::Error{ah::ErrorKind::input, "nope", {}, ""};
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "nope");
}
