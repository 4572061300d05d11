// Venue inference: the alias table, scanning journal references and comments for venue
// mentions, telling acceptance from submission, venue findings and title similarity.
#include "ah/venue.h"

#include <toml++/toml.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "text_util.h"

namespace ah {

namespace {

// ---- words ---------------------------------------------------------------------------

// Bytes of UTF-8 sequences count as letters: "Zürich" is one word.
bool word_char(char c) { return text::is_alnum(c) || static_cast<unsigned char>(c) >= 0x80; }

struct Token {
    std::string lower;
    std::string raw;
    std::size_t begin = 0, end = 0;  // byte offsets in the scanned text
};

// Words of `s`: runs of letters and digits, split again where letters turn into digits
// ("CVPR2024" -> "CVPR" "2024", "AAAI-24" -> "AAAI" "24"). "&" is a word ("P&RS").
std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '&') {
            out.push_back({"&", "&", i, i + 1});
            ++i;
            continue;
        }
        if (!word_char(s[i])) {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < s.size() && word_char(s[j]) && !(text::is_digit(s[j]) && text::is_alpha(s[j - 1]))) ++j;
        Token t;
        t.raw = std::string(s.substr(i, j - i));
        t.lower = text::to_lower(t.raw);
        t.begin = i;
        t.end = j;
        out.push_back(std::move(t));
        i = j;
    }
    return out;
}

std::string normalized_key(std::string_view written) {
    std::string key;
    for (const auto& t : tokenize(written)) {
        if (!key.empty()) key += ' ';
        key += t.lower;
    }
    return key;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return text::is_digit(c); });
}

// The year a token names: "2024"; "24" only when glued to the word before it or written
// after an apostrophe or hyphen ("CVPR'24", "AAAI-24", "ECCV24").
int year_of(const std::vector<Token>& tokens, std::size_t i, std::string_view s, bool allow_short = false) {
    const Token& t = tokens[i];
    if (!all_digits(t.lower)) return 0;
    if (t.lower.size() == 4) {
        const int y = std::stoi(t.lower);
        return (y >= 1990 && y <= 2099) ? y : 0;
    }
    if (allow_short && t.lower.size() == 2 && i > 0) {
        const bool glued = tokens[i - 1].end == t.begin;
        const char before = t.begin > 0 ? s[t.begin - 1] : ' ';
        const bool marked = before == '\'' || before == '-' ||
                            (t.begin >= 3 && s.substr(t.begin - 3, 3) == "\xE2\x80\x99");  // ’
        if (glued || (marked && (tokens[i - 1].end + 4 >= t.begin))) return 2000 + std::stoi(t.lower);
    }
    return 0;
}

// Replaces URLs with spaces (offsets kept): "github.com/x/cvpr2024" names no venue.
std::string without_urls(std::string_view s) {
    std::string out(s);
    const std::string lower = text::to_lower(s);
    for (const std::string_view start : {"http://", "https://", "www.", "github.com/", "doi.org/"}) {
        for (auto at = lower.find(start); at != std::string::npos; at = lower.find(start, at + 1)) {
            for (auto k = at; k < out.size() && !text::is_space(out[k]); ++k) out[k] = ' ';
        }
    }
    return out;
}

// ---- cues ----------------------------------------------------------------------------

// Phrases that make a venue mention something other than where this paper appears.
constexpr std::array negative_cues = {
    "submitted", "submission", "under review", "in review", "review at", "reviewed at", "under consideration",
    "rejected", "extended version", "extension of", "extends our", "extending our", "earlier version",
    "preliminary version", "conference version", "previous version", "journal version", "based on our",
    "version of our", "challenge", "competition", "contest", "tutorial", "planned", "will be submitted",
    "to be submitted", "preparation", "invited to",
};

// Words that may sit between an acceptance phrase and a guarded venue name.
bool filler(std::string_view w) { return w == "the" || w == "journal" || w == "mdpi" || w == "ieee" || w == "of"; }

bool acceptance_before(const std::vector<Token>& tokens, std::size_t first) {
    std::size_t i = first;
    while (i > 0 && filler(tokens[i - 1].lower)) --i;
    if (i == 0) return false;
    const std::string& prep = tokens[i - 1].lower;
    if (prep != "to" && prep != "by" && prep != "in" && prep != "at" && prep != "for") return false;
    for (std::size_t k = i - 1; k > 0 && k + 5 > i; --k) {
        const std::string& w = tokens[k - 1].lower;
        if (w == "accepted" || w == "published" || w == "appear" || w == "appeared" || w == "publication")
            return true;
    }
    return false;
}

struct Mention {
    std::string canonical;
    std::size_t first = 0, last = 0;  // token range [first, last)
    bool accepted = true;
};

enum class TextKind { journal_ref, comment };

// Venue mentions, left to right, longest alias first, not overlapping.
std::vector<Mention> find_mentions(const std::vector<Token>& tokens, const VenueAliases& aliases, TextKind kind) {
    std::vector<Mention> out;
    std::size_t i = 0;
    while (i < tokens.size()) {
        const VenueAlias* best = nullptr;
        for (const auto& alias : aliases.aliases()) {
            const std::size_t n = alias.tokens.size();
            if (n == 0 || i + n > tokens.size() || (best && n <= best->tokens.size())) continue;
            bool equal = true;
            for (std::size_t k = 0; k < n && equal; ++k) {
                equal = alias.match == AliasMatch::case_sensitive ? tokens[i + k].raw == alias.raw_tokens[k]
                                                                  : tokens[i + k].lower == alias.tokens[k];
            }
            if (!equal) continue;
            if (alias.match == AliasMatch::guarded) {
                const bool whole_start = kind == TextKind::journal_ref && i == 0 &&
                                         (i + n == tokens.size() || all_digits(tokens[i + n].lower));
                if (!whole_start && !acceptance_before(tokens, i)) continue;
            }
            best = &alias;
        }
        if (!best) {
            ++i;
            continue;
        }
        // "Conference on Learning Representations (ICLR 2024)": one mention, not two.
        // "... Pattern Recognition (CVPR) Workshops": the workshop name wins.
        const auto workshop_of = [&](const std::string& conference) {
            const VenueInfo* info = aliases.venue(conference);
            return info ? info->workshop : std::string();
        };
        if (!out.empty() && out.back().last == i &&
            (out.back().canonical == best->canonical || workshop_of(out.back().canonical) == best->canonical)) {
            out.back().canonical = best->canonical;
            out.back().last = i + best->tokens.size();
        } else {
            out.push_back({best->canonical, i, i + best->tokens.size(), true});
        }
        i += best->tokens.size();
    }
    return out;
}

bool has_negative_cue(std::string_view window) {
    const std::string lower = text::to_lower(window);
    return std::any_of(negative_cues.begin(), negative_cues.end(),
                       [&](const char* cue) { return lower.find(cue) != std::string::npos; });
}

// Marks mentions that are not this paper's venue: a negative cue between the previous
// mention (or the clause start) and this one, or just after it.
void classify(std::vector<Mention>& mentions, const std::vector<Token>& tokens, std::string_view s) {
    for (std::size_t m = 0; m < mentions.size(); ++m) {
        const std::size_t begin = tokens[mentions[m].first].begin;
        const std::size_t end = tokens[mentions[m].last - 1].end;
        std::size_t before = m == 0 ? 0 : tokens[mentions[m - 1].last - 1].end;
        if (const auto semi = s.substr(0, begin).rfind(';'); semi != std::string_view::npos && semi + 1 > before)
            before = semi + 1;
        // After the mention only a short remark counts ("NeurIPS 2024 (under review)"),
        // up to the end of the sentence.
        std::size_t after = std::min(s.size(), end + 30);
        if (m + 1 < mentions.size()) after = std::min(after, tokens[mentions[m + 1].first].begin);
        if (const auto semi = s.find(';', end); semi != std::string_view::npos) after = std::min(after, semi);
        if (const auto stop = s.find(". ", end); stop != std::string_view::npos) after = std::min(after, stop);
        mentions[m].accepted =
            !has_negative_cue(s.substr(before, begin - before)) && !has_negative_cue(s.substr(end, after - end));
    }
}

bool is_workshop_word(const std::string& w) { return w == "workshop" || w == "workshops"; }

// The workshop venue when "workshop" is written next to a conference mention.
std::string with_workshop(const Mention& m, const std::vector<Mention>& all, const std::vector<Token>& tokens,
                          const VenueAliases& aliases) {
    const VenueInfo* info = aliases.venue(m.canonical);
    if (!info || info->workshop.empty()) return m.canonical;
    std::size_t lo = m.first >= 4 ? m.first - 4 : 0;
    std::size_t hi = std::min(tokens.size(), m.last + 5);
    for (const auto& other : all) {
        if (&other == &m) continue;
        if (other.last <= m.first) lo = std::max(lo, other.last);
        if (other.first >= m.last) hi = std::min(hi, other.first);
    }
    for (std::size_t k = lo; k < hi; ++k)
        if (is_workshop_word(tokens[k].lower)) return info->workshop;
    return m.canonical;
}

// The year written next to a mention: just after it, else just before it.
int year_near(const Mention& m, const std::vector<Mention>& all, const std::vector<Token>& tokens, std::string_view s) {
    std::size_t hi = std::min(tokens.size(), m.last + 4);
    std::size_t lo = m.first >= 3 ? m.first - 3 : 0;
    for (const auto& other : all) {
        if (other.first >= m.last) hi = std::min(hi, other.first);
        if (other.last <= m.first) lo = std::max(lo, other.last);
    }
    // "ECCV'24", "AAAI-24": two digits only right after the venue ("ResNet50" is no year).
    for (std::size_t k = m.last; k < hi; ++k)
        if (const int y = year_of(tokens, k, s, k == m.last)) return y;
    for (std::size_t k = m.first; k > lo; --k)
        if (const int y = year_of(tokens, k - 1, s)) return y;
    return 0;
}

// The publication year of a journal reference: a parenthesised year, else the first one.
int journal_ref_year(std::string_view ref) {
    const auto tokens = tokenize(ref);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const int y = year_of(tokens, k, ref);
        if (y && tokens[k].lower.size() == 4 && tokens[k].begin > 0 && ref[tokens[k].begin - 1] == '(') return y;
    }
    for (std::size_t k = 0; k < tokens.size(); ++k)
        if (tokens[k].lower.size() == 4)
            if (const int y = year_of(tokens, k, ref)) return y;
    return 0;
}

// IEEE DOIs carry the year: 10.1109/TGRS.2023.3321234, 10.1109/CVPR52729.2023.00123.
int doi_year(std::string_view doi) {
    for (std::size_t i = 0; i + 6 <= doi.size(); ++i) {
        if (doi[i] != '.' || doi[i + 5] != '.') continue;
        const auto digits = doi.substr(i + 1, 4);
        if (!all_digits(digits)) continue;
        const int y = std::stoi(std::string(digits));
        if (y >= 1990 && y <= 2099) return y;
    }
    return 0;
}

std::string evidence_of(std::string_view s) {
    std::string e = text::collapse_space(s);
    if (e.size() > 300) e = e.substr(0, 297) + "...";
    return e;
}

std::optional<InferredVenue> from_text(std::string_view field, TextKind kind, const VenueAliases& aliases) {
    if (text::trim(field).empty()) return std::nullopt;
    const std::string s = without_urls(field);
    const auto tokens = tokenize(s);
    auto mentions = find_mentions(tokens, aliases, kind);
    if (kind == TextKind::comment) classify(mentions, tokens, s);
    for (const auto& m : mentions) {
        if (!m.accepted) continue;
        InferredVenue v;
        v.venue = with_workshop(m, mentions, tokens, aliases);
        v.year = year_near(m, mentions, tokens, s);
        v.evidence = evidence_of(field);
        v.source = kind == TextKind::journal_ref ? "journal_ref" : "comment";
        return v;
    }
    return std::nullopt;
}

// The journal's name in a reference the table does not know: up to the first digit,
// comma or parenthesis ("Nature Machine Intelligence 5, 2023" -> "Nature Machine Intelligence").
std::string journal_name(std::string_view ref) {
    std::size_t end = 0;
    while (end < ref.size() && !text::is_digit(ref[end]) && ref[end] != ',' && ref[end] != '(' && ref[end] != ';') ++end;
    std::string name(text::trim(ref.substr(0, end)));
    while (!name.empty() && (name.back() == '.' || name.back() == ':' || name.back() == '-')) name.pop_back();
    return name.empty() ? text::collapse_space(ref) : text::collapse_space(name);
}

std::optional<VenueKind> kind_from(std::string_view s) {
    if (s == "conference") return VenueKind::conference;
    if (s == "journal") return VenueKind::journal;
    if (s == "workshop") return VenueKind::workshop;
    if (s == "preprint") return VenueKind::preprint;
    return std::nullopt;
}

// ---- title similarity ----------------------------------------------------------------

// Lower-case words of a title with LaTeX markup and punctuation removed.
std::vector<std::string> title_words(std::string_view title) {
    std::string plain;
    for (std::size_t i = 0; i < title.size(); ++i) {
        const char c = title[i];
        if (c == '\\') {
            if (i + 1 < title.size() && title[i + 1] == '&') {
                plain += " and ";
                ++i;
                continue;
            }
            // \emph, \textbf, \mathcal: drop the command name, keep its argument.
            std::size_t j = i + 1;
            while (j < title.size() && text::is_alpha(title[j])) ++j;
            if (j == i + 1 && j < title.size()) ++j;  // \{ \% \_ and friends
            plain += ' ';
            i = j - 1;
            continue;
        }
        if (c == '&') {
            plain += " and ";
            continue;
        }
        if (c == '$' || c == '{' || c == '}') continue;  // glue "{M}ulti" back into "Multi"
        plain += c;
    }
    std::vector<std::string> words;
    std::string word;
    for (char c : plain) {
        if (word_char(c)) {
            word += text::lower(c);
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

}  // namespace

// ---- VenueAliases --------------------------------------------------------------------

void VenueAliases::add_venue(std::string_view canonical, VenueKind kind, std::string_view workshop) {
    auto it = venues_.find(canonical);
    if (it == venues_.end()) it = venues_.emplace(std::string(canonical), VenueInfo{std::string(canonical), kind, {}}).first;
    it->second.kind = kind;
    if (!workshop.empty()) it->second.workshop = std::string(workshop);
    add_alias(canonical, canonical, AliasMatch::guarded);
}

void VenueAliases::add_alias(std::string_view written, std::string_view canonical, AliasMatch match) {
    if (!venues_.count(canonical)) venues_.emplace(std::string(canonical), VenueInfo{std::string(canonical), VenueKind::unknown, {}});
    const std::string key = normalized_key(written);
    if (key.empty()) return;
    VenueAlias alias;
    alias.written = std::string(written);
    alias.canonical = std::string(canonical);
    alias.match = match;
    for (auto& t : tokenize(written)) {
        alias.tokens.push_back(std::move(t.lower));
        alias.raw_tokens.push_back(std::move(t.raw));
    }
    if (const auto it = by_key_.find(key); it != by_key_.end()) {
        VenueAlias& old = aliases_[it->second];
        // The canonical name's own guarded entry must not weaken a text alias of the same words.
        if (old.canonical == alias.canonical && match == AliasMatch::guarded && old.match != AliasMatch::guarded) return;
        old = std::move(alias);
        return;
    }
    by_key_.emplace(key, aliases_.size());
    aliases_.push_back(std::move(alias));
}

void VenueAliases::add_doi_prefix(std::string_view prefix, std::string_view canonical) {
    doi_prefixes_[text::to_lower(text::trim(prefix))] = std::string(canonical);
}

void VenueAliases::merge(const VenueAliases& other) {
    for (const auto& [name, info] : other.venues_) {
        if (info.kind != VenueKind::unknown || !venues_.count(name)) add_venue(name, info.kind, info.workshop);
    }
    for (const auto& alias : other.aliases_) add_alias(alias.written, alias.canonical, alias.match);
    for (const auto& [prefix, name] : other.doi_prefixes_) doi_prefixes_[prefix] = name;
}

std::optional<std::string> VenueAliases::canonical(std::string_view written) const {
    std::string key = normalized_key(written);
    if (const auto it = by_key_.find(key); it != by_key_.end()) return aliases_[it->second].canonical;
    // "IEEE/CVF CVPR", "Proceedings of the ICCV": strip the publisher's words and retry.
    for (std::string_view prefix : {"proceedings of the ", "proceedings of ", "ieee cvf ", "ieee ", "acm "}) {
        if (key.rfind(prefix, 0) == 0) {
            key.erase(0, prefix.size());
            if (const auto it = by_key_.find(key); it != by_key_.end()) return aliases_[it->second].canonical;
        }
    }
    return std::nullopt;
}

std::optional<std::string> VenueAliases::venue_for_doi(std::string_view doi) const {
    const std::string lower = text::to_lower(text::trim(doi));
    const std::string* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [prefix, name] : doi_prefixes_) {
        if (lower.rfind(prefix, 0) == 0 && prefix.size() > best_length) {
            best = &name;
            best_length = prefix.size();
        }
    }
    if (!best) return std::nullopt;
    return *best;
}

const VenueInfo* VenueAliases::venue(std::string_view canonical) const {
    const auto it = venues_.find(canonical);
    return it == venues_.end() ? nullptr : &it->second;
}

Result<VenueAliases> parse_venue_aliases(std::string_view toml_text, std::string_view source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        Error error{ErrorKind::config, std::string(e.description()), {std::string(source), 0, 0}, {}};
        error.where.line = static_cast<int>(e.source().begin.line);
        error.where.column = static_cast<int>(e.source().begin.column);
        return error;
    }
    const auto fail = [&](const toml::node& node, std::string message) -> Error {
        Error error{ErrorKind::config, std::move(message), {std::string(source), 0, 0}, {}};
        error.where.line = static_cast<int>(node.source().begin.line);
        error.where.column = static_cast<int>(node.source().begin.column);
        return error;
    };
    VenueAliases aliases;
    const toml::table* venues = root["venue"].as_table();
    if (!venues) return Error{ErrorKind::config, "no [venue.NAME] tables", {std::string(source), 0, 0}, {}};
    for (const auto& [name_key, node] : *venues) {
        const std::string name(name_key.str());
        const toml::table* venue = node.as_table();
        if (!venue) return fail(node, fmt::format("venue.\"{}\" must be a table", name));
        VenueKind kind = VenueKind::unknown;
        std::string workshop;
        for (const auto& [field_key, value] : *venue) {
            const std::string_view field = field_key.str();
            if (field == "kind" || field == "workshop") {
                const auto* str = value.as_string();
                if (!str) return fail(value, fmt::format("venue.\"{}\".{} must be a string", name, field));
                if (field == "workshop") {
                    workshop = str->get();
                } else if (const auto k = kind_from(str->get())) {
                    kind = *k;
                } else {
                    return fail(value, fmt::format("venue.\"{}\".kind must be conference, journal or workshop", name));
                }
            } else if (field == "aliases" || field == "acronyms" || field == "guarded" || field == "doi") {
                if (!value.as_array()) return fail(value, fmt::format("venue.\"{}\".{} must be an array of strings", name, field));
            } else {
                return fail(value, fmt::format("unknown key venue.\"{}\".{}", name, field));
            }
        }
        aliases.add_venue(name, kind, workshop);
        const std::pair<const char*, AliasMatch> lists[] = {
            {"aliases", AliasMatch::text}, {"acronyms", AliasMatch::case_sensitive}, {"guarded", AliasMatch::guarded}};
        for (const auto& [field, match] : lists) {
            if (const auto* array = (*venue)[field].as_array()) {
                for (const auto& item : *array) {
                    const auto* str = item.as_string();
                    if (!str) return fail(item, fmt::format("venue.\"{}\".{} must hold strings", name, field));
                    aliases.add_alias(str->get(), name, match);
                }
            }
        }
        if (const auto* array = (*venue)["doi"].as_array()) {
            for (const auto& item : *array) {
                const auto* str = item.as_string();
                if (!str) return fail(item, fmt::format("venue.\"{}\".doi must hold strings", name));
                aliases.add_doi_prefix(str->get(), name);
            }
        }
    }
    return aliases;
}

Result<VenueAliases> load_venue_aliases(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{ErrorKind::input, "cannot read the venue alias table", {path, 0, 0}, "expected data/venues.toml"};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_venue_aliases(ss.str(), path);
}

// ---- inference -----------------------------------------------------------------------

std::optional<InferredVenue> infer_venue(const ArxivPaper& paper, const VenueAliases& aliases) {
    const int ref_year = journal_ref_year(paper.journal_ref);
    if (auto v = from_text(paper.journal_ref, TextKind::journal_ref, aliases)) {
        if (v->year == 0) v->year = ref_year;
        return v;
    }
    if (const auto venue = aliases.venue_for_doi(paper.doi)) {
        InferredVenue v;
        v.venue = *venue;
        v.year = doi_year(paper.doi);
        if (v.year == 0) v.year = ref_year;
        v.evidence = text::collapse_space(paper.doi);
        v.source = "doi";
        return v;
    }
    if (auto v = from_text(paper.comment, TextKind::comment, aliases)) {
        if (v->year == 0) v->year = ref_year;
        return v;
    }
    if (!text::trim(paper.journal_ref).empty()) {
        InferredVenue v;
        v.venue = journal_name(paper.journal_ref);
        v.year = ref_year;
        v.evidence = evidence_of(paper.journal_ref);
        v.source = "journal_ref";
        v.recognised = false;
        return v;
    }
    return std::nullopt;
}

bool same_venue(std::string_view listed, std::string_view inferred, const VenueAliases& aliases) {
    const auto a = aliases.canonical(listed);
    const auto b = aliases.canonical(inferred);
    const std::string left = a ? *a : normalized_key(listed);
    const std::string right = b ? *b : normalized_key(inferred);
    return !left.empty() && left == right;
}

std::string_view to_string(VenueFindingKind kind) {
    switch (kind) {
        case VenueFindingKind::stale_venue: return "stale_venue";
        case VenueFindingKind::venue_mismatch: return "venue_mismatch";
        case VenueFindingKind::year_mismatch: return "year_mismatch";
    }
    return "unknown";
}

std::vector<VenueFinding> compare_venue(const Publication& listed, const std::optional<InferredVenue>& inferred,
                                        const VenueAliases& aliases) {
    std::vector<VenueFinding> out;
    if (!inferred || inferred->venue.empty()) return out;
    const std::string found = inferred->year ? fmt::format("{} {}", inferred->venue, inferred->year) : inferred->venue;
    const std::string said = fmt::format("arXiv's {} says \"{}\"", inferred->source == "doi" ? "DOI" : inferred->source,
                                         inferred->evidence);
    if (listed.kind == VenueKind::preprint) {
        out.push_back({VenueFindingKind::stale_venue,
                       fmt::format("listed as a preprint ({}) but published: {}; {}", listed.raw, found, said),
                       inferred->evidence});
        return out;
    }
    if (listed.placeholder || listed.venue.empty() || listed.kind == VenueKind::none ||
        listed.kind == VenueKind::software || !inferred->recognised)
        return out;

    // "ICLR 2024 ML4RS Workshop" is listed at ICLR's workshops.
    std::string listed_venue = listed.venue;
    if (listed.kind == VenueKind::workshop) {
        if (const auto c = aliases.canonical(listed.venue)) {
            if (const VenueInfo* info = aliases.venue(*c); info && !info->workshop.empty()) listed_venue = info->workshop;
        }
    }
    if (!same_venue(listed_venue, inferred->venue, aliases)) {
        out.push_back({VenueFindingKind::venue_mismatch,
                       fmt::format("listed as {} but arXiv says {}; {}", listed.raw, found, said), inferred->evidence});
    } else if (listed.year != 0 && inferred->year != 0 && listed.year != inferred->year) {
        out.push_back({VenueFindingKind::year_mismatch,
                       fmt::format("listed as {} but arXiv says {}; {}", listed.raw, found, said), inferred->evidence});
    }
    return out;
}

double title_similarity(std::string_view a, std::string_view b) {
    const auto wa = title_words(a);
    const auto wb = title_words(b);
    if (wa.empty() && wb.empty()) return 1.0;
    if (wa.empty() || wb.empty()) return 0.0;
    const std::set<std::string> sa(wa.begin(), wa.end());
    const std::set<std::string> sb(wb.begin(), wb.end());
    std::size_t common = 0;
    for (const auto& w : sa) common += sb.count(w);
    const double jaccard = static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
    // Spelling variants ("pretraining" / "pre-training", "multispectral" / "multi-spectral")
    // split words differently; the characters without spaces still line up.
    std::string ca, cb;
    for (const auto& w : wa) ca += w;
    for (const auto& w : wb) cb += w;
    const double longest = static_cast<double>(std::max(ca.size(), cb.size()));
    const double edit = 1.0 - static_cast<double>(text::edit_distance(ca, cb)) / longest;
    return std::max(jaccard, edit);
}

}  // namespace ah
