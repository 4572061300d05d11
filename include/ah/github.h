// GitHub repository metadata: batched GraphQL lookups with a token, conditional REST
// lookups without one, and the pure query builders and response parsers behind them.
#pragma once

#include "ah/defaults.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ah {

namespace net {
class HttpTransport;
}

inline constexpr std::string_view default_github_api_url = "https://api.github.com";
inline constexpr int default_github_max_retries = 3;
inline constexpr std::chrono::milliseconds default_github_timeout{30000};
inline constexpr std::chrono::seconds default_github_max_rate_limit_wait{60};

// What GitHub says about one listed repository.
struct RepoInfo {
    std::string listed;           // "owner/name" as the list has it
    bool exists = false;          // false with an empty `error`: not found (the link is dead)
    std::string name_with_owner;  // current name, after renames and transfers
    std::string url;
    std::int64_t stars = 0;
    std::string pushed_at;       // ISO 8601
    std::string last_commit_at;  // ISO 8601, the default branch's last commit (GraphQL only)
    bool archived = false, disabled = false, fork = false;
    std::string license;      // SPDX id ("MIT", "NOASSERTION") or ""
    std::string etag;         // of the REST answer, for the next run's If-None-Match
    bool stale_copy = false;  // not refreshed this run (rate limit, auth): previous metadata kept
    std::string error;        // the lookup failed: a verdict "error", never "dead"

    // name_with_owner is known and differs (ignoring case) from what the list has.
    bool renamed() const;
};

struct GithubSettings {
    std::string api_url{default_github_api_url};  // GraphQL at {api_url}/graphql,
                                                  // REST at {api_url}/repos/{owner}/{name}
    std::string token;  // GITHUB_TOKEN (read by the caller); empty selects REST mode
    int batch_size = default_github_batch_size;    // repositories per GraphQL request
    int max_retries = default_github_max_retries;  // per request, for 5xx, transport
                                                   // failures and waited-out rate limits
    std::chrono::milliseconds timeout = default_github_timeout;  // per request
    // A rate limit that resets sooner than this is waited out; a later one ends the
    // lookup with stale copies and one warning.
    std::chrono::seconds max_rate_limit_wait = default_github_max_rate_limit_wait;
    std::chrono::milliseconds retry_base{500};  // backoff after 5xx and transport failures
    std::chrono::milliseconds retry_max{8000};
    // Last run's info by github_repo_key(listed): ETags and the copies kept when a
    // repository cannot be refreshed.
    std::map<std::string, RepoInfo> previous;
};

struct GithubLookup {
    std::map<std::string, RepoInfo> repos;  // by github_repo_key(listed), one per input
    int graphql_requests = 0, rest_requests = 0, not_modified = 0;
    std::optional<int> rate_remaining;  // as last reported by GitHub
    std::string rate_reset_at;          // ISO 8601, as last reported by GitHub
    std::vector<std::string> warnings;  // for people; never contain the token
    bool auth_failed = false;           // GitHub refused the token (401): metadata skipped
};

// The map key of a listed repository: "owner/name" lower-cased (GitHub names are
// case-insensitive).
std::string github_repo_key(std::string_view listed);

// True for "owner/name" made of the characters GitHub allows ([A-Za-z0-9._-], neither
// part empty, "." or ".."). Other names are never sent: they get an error.
bool is_github_repo_name(std::string_view listed);

// Looks repositories up on one io_context through one transport.
//
// With a token: POST {api_url}/graphql, `batch_size` aliased repository fields per
// request, owner and name passed as GraphQL variables; one batch at a time (GitHub asks
// for serial requests to stay clear of its secondary limits). 502/504 halves the batch;
// 401 stops everything (auth_failed); RATE_LIMITED, 403 and 429 wait for the reset when
// it is within max_rate_limit_wait, else the rest keep their previous metadata.
//
// Without a token: GET {api_url}/repos/{owner}/{name}, one request at a time (the
// unauthenticated limit is 60 an hour, so concurrency buys nothing), If-None-Match with
// the previous ETag (a 304 costs no quota), 301 followed on the API host only. When the
// quota runs out the rest keep their previous metadata. REST gives no last_commit_at.
//
// The token goes to the API host only: redirects elsewhere are refused, and it never
// appears in errors or warnings.
//
// Threading and lifetime are the transport's: call lookup() on the io_context thread (or
// before io.run()); `done` runs there, never inline. Destroying the client drops the
// callbacks of unfinished lookups; the transport must outlive the client.
class GithubClient {
  public:
    GithubClient(boost::asio::io_context& io, net::HttpTransport& transport,
                 GithubSettings settings);
    ~GithubClient();
    GithubClient(const GithubClient&) = delete;
    GithubClient& operator=(const GithubClient&) = delete;

    // Looks up every "owner/name" once (duplicates compared ignoring case).
    void lookup(std::vector<std::string> repos, std::function<void(GithubLookup)> done);

  private:
    struct Run;

    boost::asio::io_context& io_;
    net::HttpTransport& transport_;
    GithubSettings settings_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::vector<std::weak_ptr<Run>> runs_;
};

// The GraphQL document for one batch: aliases r0, r1, ... in the order of `repos`, each
// `repository(owner: $oN, name: $nN)`, plus rateLimit. No repository name appears in it.
std::string build_graphql_query(const std::vector<std::string>& repos);

// The POST body: {"query": build_graphql_query(repos), "variables": {"o0": .., "n0": ..}}.
std::string build_graphql_body(const std::vector<std::string>& repos);

struct GraphqlBatchResult {
    std::map<std::string, RepoInfo> repos;  // by github_repo_key, one per batch member
    bool rate_limited = false;              // a RATE_LIMITED (or RATE_LIMIT) error
    std::optional<int> remaining;           // rateLimit.remaining
    std::string reset_at;                   // rateLimit.resetAt
    std::string error;                      // the answer as a whole failed (bad JSON, ...)
};

// Parses the answer to build_graphql_body(repos). Never throws; any input gives an entry
// per repository (found, not found, or an error).
GraphqlBatchResult parse_graphql_response(std::string_view json,
                                          const std::vector<std::string>& repos);

// Parses a REST "Get a repository" answer (200). Never throws; bad input sets `error`.
RepoInfo parse_rest_repo(std::string_view json, const std::string& listed);

}  // namespace ah
