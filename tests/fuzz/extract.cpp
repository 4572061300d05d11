// Fuzz target: Markdown extraction (extract_catalog) and the dump formatters. Never crashes
// on any bytes; every index in the catalog points inside it; the JSON dump is valid JSON.
#include <algorithm>

#include <simdjson.h>

#include "ah/extract.h"
#include "ah/render_catalog.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

namespace {

bool index_ok(std::size_t index, std::size_t size) { return index == ah::no_index || index < size; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A string, as the tool reads a list: see extract_catalog on md4c's read past the end.
    const std::string markdown(ah::fuzz::as_text(data, size));
    const ah::Catalog catalog = ah::extract_catalog(markdown, "fuzz.md");

    const std::size_t lines = static_cast<std::size_t>(std::count(markdown.begin(), markdown.end(), '\n')) + 1;
    for (const auto& link : catalog.links) {
        check(link.line >= 0 && static_cast<std::size_t>(link.line) <= lines, "extract: link line inside the text",
              link.raw);
        check(index_ok(link.entry, catalog.entries.size()), "extract: link.entry in range", link.raw);
        check(index_ok(link.target, catalog.targets.size()), "extract: link.target in range", link.raw);
    }
    for (const auto& entry : catalog.entries)
        for (std::size_t l : entry.links) check(l < catalog.links.size(), "extract: entry.links in range");
    for (const auto& target : catalog.targets) {
        check(!target.occurrences.empty(), "extract: a target occurs somewhere", target.url);
        for (std::size_t o : target.occurrences) {
            check(o < catalog.links.size(), "extract: target.occurrences in range", target.url);
            check(catalog.links[o].target != ah::no_index &&
                      catalog.targets[catalog.links[o].target].url == target.url,
                  "extract: an occurrence's link points back at its target", target.url);
        }
    }
    for (const auto& finding : catalog.findings) {
        check(index_ok(finding.entry, catalog.entries.size()), "extract: finding.entry in range", finding.message);
        check(index_ok(finding.link, catalog.links.size()), "extract: finding.link in range", finding.message);
    }

    const std::string json = ah::catalog_to_json(catalog);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    check(parser.parse(json).get(root) == simdjson::SUCCESS, "extract: catalog_to_json is valid JSON", json);
    (void)ah::catalog_to_text(catalog);
    return 0;
}
