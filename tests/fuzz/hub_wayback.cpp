// Fuzz target: the HuggingFace Hub and Wayback availability answer parsers (pure functions
// behind HubClient and WaybackClient). Input: the id asked for on the first line, the JSON
// answer after it. Never throws; a failed parse is an error, never "exists"; a Wayback
// suggestion is always an http(s) URL.
#include "ah/huggingface.h"
#include "ah/wayback.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [head, json] = ah::fuzz::split_first_line(ah::fuzz::as_text(data, size));
    const std::string id(head);

    const ah::HubInfo repo = ah::parse_hub_repo(json, id);
    check(repo.exists != !repo.error.empty(), "hub: an answer is either a repository or an error", repo.error);
    const ah::HubInfo org = ah::parse_hub_author_listing(json, id);
    check(org.exists != !org.error.empty(), "hub: a listing is either counted or an error", org.error);
    check(org.models >= 0, "hub: the model count is not negative");

    const std::string copy = ah::parse_wayback_answer(json);
    check(copy.empty() || copy.starts_with("http://") || copy.starts_with("https://"),
          "wayback: only an http(s) URL is suggested", copy);
    return 0;
}
