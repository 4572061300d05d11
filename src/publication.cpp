// Parses Publication cells: a venue token, a year and an optional qualifier.
#include "ah/publication.h"

#include <array>

#include "text_util.h"

namespace ah {

std::string_view to_string(VenueKind kind) {
    switch (kind) {
        case VenueKind::none: return "none";
        case VenueKind::preprint: return "preprint";
        case VenueKind::conference: return "conference";
        case VenueKind::journal: return "journal";
        case VenueKind::workshop: return "workshop";
        case VenueKind::software: return "software";
        case VenueKind::unknown: return "unknown";
    }
    return "unknown";
}

namespace {

struct VenueAlias {
    const char* written;  // compared case-insensitively
    const char* venue;
    VenueKind kind;
};

// Venues as this kind of list writes them. The metadata stage has the full alias table;
// this one only needs to tell preprints, conferences and journals apart.
constexpr std::array venue_aliases = {
    VenueAlias{"arxiv", "arXiv", VenueKind::preprint},
    VenueAlias{"github", "GitHub", VenueKind::software},
    VenueAlias{"cvpr", "CVPR", VenueKind::conference},
    VenueAlias{"iccv", "ICCV", VenueKind::conference},
    VenueAlias{"eccv", "ECCV", VenueKind::conference},
    VenueAlias{"neurips", "NeurIPS", VenueKind::conference},
    VenueAlias{"nips", "NeurIPS", VenueKind::conference},
    VenueAlias{"iclr", "ICLR", VenueKind::conference},
    VenueAlias{"icml", "ICML", VenueKind::conference},
    VenueAlias{"aaai", "AAAI", VenueKind::conference},
    VenueAlias{"ijcai", "IJCAI", VenueKind::conference},
    VenueAlias{"wacv", "WACV", VenueKind::conference},
    VenueAlias{"igarss", "IGARSS", VenueKind::conference},
    VenueAlias{"cvprw", "CVPRW", VenueKind::workshop},
    VenueAlias{"iccvw", "ICCVW", VenueKind::workshop},
    VenueAlias{"eccvw", "ECCVW", VenueKind::workshop},
    VenueAlias{"neuripsw", "NeurIPSW", VenueKind::workshop},
    VenueAlias{"tgrs", "TGRS", VenueKind::journal},
    VenueAlias{"ieee tgrs", "TGRS", VenueKind::journal},
    VenueAlias{"jstars", "JSTARS", VenueKind::journal},
    VenueAlias{"ieee jstars", "JSTARS", VenueKind::journal},
    VenueAlias{"grsl", "GRSL", VenueKind::journal},
    VenueAlias{"ieee grsl", "GRSL", VenueKind::journal},
    VenueAlias{"grsm", "GRSM", VenueKind::journal},
    VenueAlias{"ieee grsm", "GRSM", VenueKind::journal},
    VenueAlias{"tpami", "TPAMI", VenueKind::journal},
    VenueAlias{"ieee tpami", "TPAMI", VenueKind::journal},
    VenueAlias{"rs", "Remote Sensing", VenueKind::journal},
    VenueAlias{"remote sensing", "Remote Sensing", VenueKind::journal},
    VenueAlias{"rse", "RSE", VenueKind::journal},
    VenueAlias{"jag", "JAG", VenueKind::journal},
    VenueAlias{"isprs", "ISPRS J.", VenueKind::journal},
    VenueAlias{"isprs j.", "ISPRS J.", VenueKind::journal},
};

// Position of a standalone 4-digit year (19xx/20xx) not embedded in a longer number.
std::size_t find_year(std::string_view s) {
    std::size_t found = std::string_view::npos;
    for (std::size_t i = 0; i + 4 <= s.size(); ++i) {
        const bool digits = text::is_digit(s[i]) && text::is_digit(s[i + 1]) && text::is_digit(s[i + 2]) &&
                            text::is_digit(s[i + 3]);
        if (!digits) continue;
        if ((s[i] != '1' || s[i + 1] != '9') && (s[i] != '2' || s[i + 1] != '0')) continue;
        if (i > 0 && text::is_digit(s[i - 1])) continue;
        if (i + 4 < s.size() && text::is_digit(s[i + 4])) continue;
        found = i;  // keep the last one: "Remote Sensing 14 2022" names the year last
    }
    return found;
}

}  // namespace

Publication parse_publication(std::string_view cell) {
    Publication p;
    const std::string collapsed = text::collapse_space(cell);
    p.raw = collapsed;
    std::string_view s = collapsed;
    if (s.empty() || is_placeholder_text(s)) {
        p.placeholder = true;
        return p;
    }
    std::string_view venue_text = s;
    if (const auto at = find_year(s); at != std::string_view::npos) {
        p.year = (s[at] - '0') * 1000 + (s[at + 1] - '0') * 100 + (s[at + 2] - '0') * 10 + (s[at + 3] - '0');
        venue_text = text::trim(s.substr(0, at));
        p.qualifier = std::string(text::trim(s.substr(at + 4)));
        if (!p.qualifier.empty() && (p.qualifier.front() == ',' || p.qualifier.front() == ')')) {
            p.qualifier = std::string(text::trim(std::string_view(p.qualifier).substr(1)));
        }
    }
    // "IEEE GRSM" and "GRSM" are the same venue; a trailing "," or "(" is separation.
    while (!venue_text.empty() && (venue_text.back() == ',' || venue_text.back() == '(' || venue_text.back() == '-'))
        venue_text = text::trim(venue_text.substr(0, venue_text.size() - 1));
    p.kind = VenueKind::unknown;
    p.venue = std::string(venue_text);
    for (const auto& alias : venue_aliases) {
        if (text::iequals(venue_text, alias.written)) {
            p.venue = alias.venue;
            p.kind = alias.kind;
            break;
        }
    }
    if (p.venue.empty() && p.year == 0) p.kind = VenueKind::none;
    if (text::icontains(p.qualifier, "workshop") && p.kind != VenueKind::preprint) p.kind = VenueKind::workshop;
    return p;
}

}  // namespace ah
