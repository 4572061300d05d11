// GitHub heading slug tests (github-slugger behaviour).
#include <catch2/catch.hpp>

#include "ah/slug.h"

TEST_CASE("github_slug follows github-slugger", "[slug]") {
    using ah::github_slug;
    CHECK(github_slug("Remote Sensing Vision Foundation Models") == "remote-sensing-vision-foundation-models");
    CHECK(github_slug("(Large-scale) Pre-training Datasets") == "large-scale-pre-training-datasets");
    CHECK(github_slug("Benchmarks for RSFMs") == "benchmarks-for-rsfms");
    CHECK(github_slug("C++ & Rust: a/b") == "c--rust-ab");
    CHECK(github_slug("snake_case stays") == "snake_case-stays");
    CHECK(github_slug(":fire: Hot") == "-hot");
    CHECK(github_slug("\xF0\x9F\x93\xA2 Latest Updates") == "-latest-updates");  // emoji dropped
    CHECK(github_slug("Caf\xC3\xA9") == "caf\xC3\xA9");                           // letters kept
}

TEST_CASE("SlugRegistry de-duplicates like GitHub", "[slug]") {
    ah::SlugRegistry r;
    CHECK(r.add("Intro") == "intro");
    CHECK(r.add("Intro") == "intro-1");
    CHECK(r.add("Intro 1") == "intro-1-1");
    CHECK(r.add("Intro") == "intro-2");
}
