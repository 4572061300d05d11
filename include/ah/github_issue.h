// The self-maintaining tracking issue: finds the open issue that carries the label and the
// hidden marker, then opens, updates, comments on or closes it from a Diff (GitHub REST API).
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ah/diff.h"
#include "ah/result.h"
#include "net/http_engine.h"

namespace ah {

inline constexpr std::string_view default_issue_api_url = "https://api.github.com";
inline constexpr std::string_view default_issue_label = "link-health";
inline constexpr std::string_view default_issue_title = "Link health report";
// GitHub's advice: at least one second between POST/PATCH/PUT/DELETE requests.
inline constexpr std::chrono::milliseconds default_mutation_spacing{1000};
inline constexpr std::chrono::seconds default_issue_max_wait{120};
// Pages of 100 open issues with the label read before giving up on finding more.
inline constexpr int issue_search_max_pages = 10;

struct IssueSettings {
    std::string api_url = std::string(default_issue_api_url);  // GITHUB_API_URL
    std::string repository;                                    // "owner/name" (GITHUB_REPOSITORY or config)
    std::string token;  // GITHUB_TOKEN; never printed, logged, or sent to another host
    std::string label = std::string(default_issue_label);
    std::string title = std::string(default_issue_title);
    std::chrono::milliseconds mutation_spacing = default_mutation_spacing;  // serial mutations at least this far apart
    std::chrono::seconds max_wait = default_issue_max_wait;  // longest retry-after / rate-limit reset we wait for
    bool dry_run = false;
    std::chrono::milliseconds request_timeout{30000};
};

enum class IssueAction { none, created, updated, updated_and_commented, closed };
std::string_view to_string(IssueAction action);

struct IssueOutcome {
    IssueAction action = IssueAction::none;
    int issue_number = 0;  // the tracking issue kept, created or closed (0: none)
    std::string issue_url;
    std::vector<std::string> log;  // what was done or (dry run) would be done, for people
    std::string body;              // the body sent or that would be sent ("" when none)
};

// ---------------------------------------------------------------- the decision (pure)

// Which Diff categories are problems that open an issue or keep one open: confirmed dead
// (newly or still), moved, and stale metadata. `failing` (not yet confirmed) and
// `newly_blocked` (the site refuses robots, not known dead) alone neither open nor keep open
// an issue; they are listed in its body whenever one is open for another reason.
bool opens_issue(ChangeKind kind);
bool has_problems(const Diff& diff);

// "Link health report: 2 dead, 1 moved, 3 stale metadata".
std::string issue_title(std::string_view base, const Diff& diff);
// The issue body: diff_to_markdown, starting with tracking_issue_marker, at most `limit` bytes
// (hence characters).
std::string issue_body(const Diff& diff, std::size_t limit = github_body_limit);
// A comment listing only what is new since the last run (newly dead, newly moved, metadata);
// "" when nothing is new. Untrusted text is neutralised like diff.md; at most `limit` bytes.
std::string new_items_comment(const Diff& diff, std::size_t limit = github_body_limit);

// An open issue that carries the label and the marker, as the search found it.
struct TrackedIssue {
    int number = 0;
    std::string title;
    std::string body;
    std::string url;  // html_url
};

enum class IssueCallKind {
    ensure_label,  // GET the label; POST it when missing (422 already_exists is fine)
    create_issue,  // POST /issues {title, body, labels}
    update_issue,  // PATCH /issues/N {title, body}
    comment,       // POST /issues/N/comments {body}
    close_issue,   // PATCH /issues/N {state: closed, state_reason}
};
std::string_view to_string(IssueCallKind kind);

struct IssueCall {
    IssueCallKind kind = IssueCallKind::comment;
    int issue_number = 0;      // 0 for ensure_label and create_issue
    std::string title;         // create_issue, update_issue
    std::string body;          // create_issue, update_issue, comment
    std::string state_reason;  // close_issue: "completed" or "not_planned"
    std::string why;           // one line for people ("close #7: all links healthy")
};

struct IssuePlan {
    IssueAction action = IssueAction::none;
    int issue_number = 0;  // the issue kept (0 when one is to be created, or none)
    std::vector<IssueCall> calls;  // in order; every one is a mutation except ensure_label's GET
    std::string body;              // the tracking body sent ("" when none is sent)
};

// From the open tracking issues found (any order) and the diff to the API calls to make.
// Several open tracking issues: the oldest (lowest number) is kept, the others are closed as
// duplicates (not_planned) with a comment pointing at it.
IssuePlan plan_issue_sync(const IssueSettings& settings, const Diff& diff, std::vector<TrackedIssue> open);

// ---------------------------------------------------------------- the sync (I/O)

// Finds the tracking issue (GET, paginated through the Link header, bounded), plans and
// performs the calls, serialised at least `mutation_spacing` apart. Runs on `io`'s thread;
// `done` is called exactly once, never inline. The token goes only in an `Authorization:
// Bearer` header to the origin of `api_url`; redirects and pagination links to any other
// origin are refused. Errors: config (401, 403 permissions, 404 repository), network
// (transport failure), input (422, other statuses, unreadable answers).
// `settings` and `diff` are copied; `io` and `transport` must outlive the sync.
void sync_tracking_issue(boost::asio::io_context& io, net::HttpTransport& transport, const IssueSettings& settings,
                         const Diff& diff, std::function<void(Result<IssueOutcome>)> done);

// Pure helpers, public for tests.
// The `rel="next"` target of a Link header, or "".
std::string next_link(std::string_view link_header);
// "scheme://host[:port]" lower-cased, with default ports dropped; "" when `url` has none.
std::string url_origin(std::string_view url);

}  // namespace ah
