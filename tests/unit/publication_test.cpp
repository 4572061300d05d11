// Publication cell parsing tests, with the forms the real list uses.
#include <catch2/catch.hpp>

#include "ah/publication.h"

using ah::parse_publication;
using ah::VenueKind;

TEST_CASE("venue and year glued or spaced", "[publication]") {
    auto p = parse_publication("TGRS2022");
    CHECK(p.venue == "TGRS");
    CHECK(p.year == 2022);
    CHECK(p.kind == VenueKind::journal);
    auto a = parse_publication("Arxiv2024");
    CHECK(a.venue == "arXiv");
    CHECK(a.kind == VenueKind::preprint);
    CHECK(a.year == 2024);
    auto g = parse_publication("IEEE GRSM2024");
    CHECK(g.venue == "GRSM");
    CHECK(g.year == 2024);
    CHECK(parse_publication("RS2022").venue == "Remote Sensing");
}

TEST_CASE("workshops and qualifiers", "[publication]") {
    auto w = parse_publication("NeurIPS2023 CCAI workshop");
    CHECK(w.venue == "NeurIPS");
    CHECK(w.year == 2023);
    CHECK(w.qualifier == "CCAI workshop");
    CHECK(w.kind == VenueKind::workshop);
    auto i = parse_publication("ICLR 2024 ML4RS Workshop");
    CHECK(i.venue == "ICLR");
    CHECK(i.qualifier == "ML4RS Workshop");
    CHECK(i.kind == VenueKind::workshop);
    CHECK(parse_publication("CVPRW2021").kind == VenueKind::workshop);
    CHECK(parse_publication("NeurIPSW2023").kind == VenueKind::workshop);
}

TEST_CASE("placeholders, software and unknown venues", "[publication]") {
    CHECK(parse_publication("-").placeholder);
    CHECK(parse_publication("").placeholder);
    CHECK(parse_publication(" null ").placeholder);
    auto gh = parse_publication("Github");
    CHECK(gh.kind == VenueKind::software);
    CHECK(gh.year == 0);
    // Chinese journal names: "Acta ... (Information Science edition) 2023".
    auto zh = parse_publication("\xe6\xad\xa6\xe6\xb1\x89\xe5\xa4\xa7\xe5\xad\xa6\xe5\xad\xa6\xe6\x8a\xa5 "
                                "(\xe4\xbf\xa1\xe6\x81\xaf\xe7\xa7\x91\xe5\xad\xa6\xe7\x89\x88) 2023");
    CHECK(zh.year == 2023);
    CHECK(zh.kind == VenueKind::unknown);
    CHECK(zh.venue.find("\xe6\xad\xa6") == 0);
    auto glued = parse_publication("\xe9\x81\xa5\xe6\x84\x9f\xe5\xad\xa6\xe6\x8a\xa5" "2023");
    CHECK(glued.year == 2023);
    CHECK(glued.venue == "\xe9\x81\xa5\xe6\x84\x9f\xe5\xad\xa6\xe6\x8a\xa5");
    CHECK(parse_publication("Remote Sensing 12345").year == 0);  // not a year inside a number
}
