// Parsing of a list's Publication cell ("TGRS2022", "Arxiv2024", "ICLR 2024 ML4RS Workshop").
#pragma once

#include <string>
#include <string_view>

namespace ah {

enum class VenueKind { none, preprint, conference, journal, workshop, software, unknown };

std::string_view to_string(VenueKind kind);

struct Publication {
    std::string raw;        // the cell text as written
    std::string venue;      // normalized venue name ("TGRS", "arXiv", "NeurIPS"); empty if none
    int year = 0;           // 0 when the cell names no year
    std::string qualifier;  // what follows the year ("CCAI workshop", "ML4RS Workshop")
    VenueKind kind = VenueKind::none;
    bool placeholder = false;  // "-", "null", empty
};

Publication parse_publication(std::string_view cell);

// Text that stands for "nothing yet" where a link or a venue belongs: "null", "-",
// "Comming soon" (as the list spells it), "TBD", ... (case and spacing ignored).
bool is_placeholder_text(std::string_view text);

}  // namespace ah
