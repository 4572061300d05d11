// Venue inference from arXiv metadata (journal_ref, comment, DOI), the venue alias table
// it uses, the venue findings against a list's Publication cell, and title similarity.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ah/arxiv.h"
#include "ah/publication.h"
#include "ah/result.h"

namespace ah {

// Where the shipped alias table lives, relative to the repository (or install) root.
inline constexpr std::string_view default_venues_file = "data/venues.toml";

// How a written form of a venue may be matched.
enum class AliasMatch {
    text,            // anywhere in running text, case-insensitive, on word boundaries
    case_sensitive,  // anywhere in running text, exact case ("TIP", "RSE": also ordinary words)
    guarded,         // only as a whole name (a list cell, the start of a journal_ref) or
                     // right after an acceptance phrase ("accepted by Remote Sensing")
};

struct VenueAlias {
    std::string written;                   // as given
    std::vector<std::string> tokens;       // lower-cased words of `written`
    std::vector<std::string> raw_tokens;   // words of `written` as given (case_sensitive)
    std::string canonical;
    AliasMatch match = AliasMatch::text;
};

struct VenueInfo {
    std::string name;  // canonical
    VenueKind kind = VenueKind::unknown;
    std::string workshop;  // canonical name of its workshops ("CVPRW"), if any
};

// Written form -> canonical venue name, DOI prefixes -> venue. Built from data/venues.toml
// (load_venue_aliases) and extended by configuration (add_alias); a later entry for the
// same written form replaces the earlier one.
class VenueAliases {
public:
    // Adds the venue or updates its kind and workshop; its canonical name becomes a
    // guarded alias of itself.
    void add_venue(std::string_view canonical, VenueKind kind, std::string_view workshop = {});
    // Adds a written form; an unknown canonical name is added as a venue of unknown kind.
    void add_alias(std::string_view written, std::string_view canonical, AliasMatch match = AliasMatch::text);
    void add_doi_prefix(std::string_view prefix, std::string_view canonical);
    // Adds everything `other` has; its entries win.
    void merge(const VenueAliases& other);

    // The canonical name of a whole written name ("IEEE TGRS", "NIPS", "ISPRS J."),
    // whatever its match class; nullopt when unknown.
    std::optional<std::string> canonical(std::string_view written) const;
    // The venue of a DOI by its longest known prefix ("10.1109/TGRS.2023.1" -> "TGRS").
    std::optional<std::string> venue_for_doi(std::string_view doi) const;
    const VenueInfo* venue(std::string_view canonical) const;
    const std::vector<VenueAlias>& aliases() const { return aliases_; }
    std::size_t size() const { return venues_.size(); }

private:
    std::map<std::string, VenueInfo, std::less<>> venues_;
    std::vector<VenueAlias> aliases_;
    std::map<std::string, std::size_t, std::less<>> by_key_;  // normalised written -> index in aliases_
    std::map<std::string, std::string, std::less<>> doi_prefixes_;  // lower-cased prefix -> canonical
};

// Parses the TOML alias table (format documented in data/venues.toml); `source` names it
// in error messages.
Result<VenueAliases> parse_venue_aliases(std::string_view toml_text, std::string_view source);
Result<VenueAliases> load_venue_aliases(const std::string& path);

struct InferredVenue {
    std::string venue;     // canonical when recognised, else the journal name as written
    int year = 0;          // 0 when no year could be tied to the venue
    std::string evidence;  // the text it came from (whitespace collapsed)
    std::string source;    // "journal_ref" | "comment" | "doi"
    bool recognised = true;  // false: a journal_ref names a venue the alias table lacks
};

// Where the paper was (or will be) published, from, in this order: a journal_ref naming a
// known venue, the DOI prefix, an acceptance in the comment, then an unknown journal_ref.
// "Submitted to", "under review at", "extended version of our X paper" and the like are
// not acceptance: those mentions are skipped (nothing is returned for them). The year is
// the one written next to the venue, else the journal_ref's, else the DOI's, else 0.
std::optional<InferredVenue> infer_venue(const ArxivPaper& paper, const VenueAliases& aliases);

// Both names denote the same venue: "NeurIPS" == "NIPS", "IEEE TGRS" == "TGRS", but
// "CVPR" != "CVPRW".
bool same_venue(std::string_view listed, std::string_view inferred, const VenueAliases& aliases);

enum class VenueFindingKind { stale_venue, venue_mismatch, year_mismatch };
std::string_view to_string(VenueFindingKind kind);

struct VenueFinding {
    VenueFindingKind kind;
    std::string message;
    std::string evidence;
};

// stale_venue: listed as a preprint, published since. venue_mismatch: both known and
// different. year_mismatch: same venue, different years. Nothing when the cell is a
// placeholder or names no venue, or the inferred venue is not in the alias table and the
// list does not call the paper a preprint.
std::vector<VenueFinding> compare_venue(const Publication& listed, const std::optional<InferredVenue>& inferred,
                                        const VenueAliases& aliases);

// Similarity of two paper titles in [0, 1] after normalising case, punctuation, white
// space and simple LaTeX ($...$, \emph{..}, braces, \&): the larger of the token-set
// Jaccard index and 1 - normalised edit distance of the titles without spaces.
double title_similarity(std::string_view a, std::string_view b);

// Below this, the list's title and arXiv's are different papers (title_mismatch):
// reworded subtitles and added words stay above it, unrelated titles fall well below.
inline constexpr double title_mismatch_threshold = 0.5;

}  // namespace ah
