// Fuzz target: the GitHub REST "Get a repository" parser (parse_rest_repo). Input: the listed
// "owner/name" on the first line, the answer after it. Never throws; bad input sets `error`.
#include "ah/github.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [head, json] = ah::fuzz::split_first_line(ah::fuzz::as_text(data, size));
    const std::string listed(head);
    const ah::RepoInfo info = ah::parse_rest_repo(json, listed);
    check(info.listed == listed, "github rest: the answer keeps the listed name", listed);
    check(!(info.exists && !info.error.empty()), "github rest: a repository that failed is not also found",
          info.error);
    return 0;
}
