// A 50 MB generated list is extracted completely (no timing assertions: see bench/).
#include <catch2/catch.hpp>

#include "ah/extract.h"
#include "support/list_generator.h"

TEST_CASE("a 50 MB generated list: every row and link is found", "[extract][large]") {
    ah::testing::GeneratedListShape shape;
    const std::string list = ah::testing::generate_list(50u << 20, &shape);
    REQUIRE(list.size() >= 50u << 20);
    const ah::Catalog c = ah::extract_catalog(list, "generated.md");
    CHECK(c.entries.size() == shape.rows);
    CHECK(c.links.size() == shape.links);
    CHECK(c.entries.back().line > 0);
    CHECK(c.entries.back().links.size() >= 1);
}
