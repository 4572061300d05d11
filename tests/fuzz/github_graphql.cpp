// Fuzz target: the GitHub GraphQL answer parser (parse_graphql_response). Input: the batch's
// "owner/name" repositories on the first line, the answer after it. Never throws; every
// repository of the batch gets exactly one entry (found, not found, or an error).
#include "ah/github.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [head, json] = ah::fuzz::split_first_line(ah::fuzz::as_text(data, size));
    constexpr std::size_t max_repos = 64;
    const auto repos = ah::fuzz::distinct_words(head, max_repos, ah::github_repo_key);
    for (const auto& repo : repos) (void)ah::is_github_repo_name(repo);
    (void)ah::build_graphql_body(repos);

    const ah::GraphqlBatchResult result = ah::parse_graphql_response(json, repos);
    check(result.repos.size() == repos.size(), "github: one entry per repository of the batch", json);
    for (const auto& repo : repos)
        check(result.repos.count(ah::github_repo_key(repo)) == 1, "github: the entry is under the repository's key",
              repo);
    return 0;
}
