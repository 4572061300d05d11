// Fuzz target: the arXiv Atom feed parser (parse_atom_feed) and the id normaliser. Input: the
// requested ids on the first line (spaces or commas between), the API's answer after it.
// Every requested id ends in exactly one of found, missing or failed, whatever the answer.
#include "ah/arxiv.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [head, xml] = ah::fuzz::split_first_line(ah::fuzz::as_text(data, size));
    constexpr std::size_t max_ids = 64;
    const auto ids = ah::fuzz::distinct_words(head, max_ids, [](const std::string& w) { return w; });
    for (const auto& id : ids)
        if (const auto normalized = ah::normalize_arxiv_id(id)) {
            check(ah::normalize_arxiv_id(*normalized) == normalized, "arxiv: a normalised id normalises to itself",
                  *normalized);
            (void)ah::arxiv_canonical_id(*normalized);
        }

    const ah::ArxivLookup lookup = ah::parse_atom_feed(xml, ids);
    for (const auto& id : ids) {
        const std::size_t places = lookup.found.count(id) + lookup.missing.count(id) + lookup.failed.count(id);
        check(places == 1, "arxiv: every requested id is found, missing or failed, once", id);
    }
    check(lookup.found.size() + lookup.missing.size() + lookup.failed.size() == ids.size(),
          "arxiv: no answer for an id that was not asked for");
    return 0;
}
