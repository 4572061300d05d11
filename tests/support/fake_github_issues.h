// A small stateful fake of GitHub's issues REST API on the fixture server: issues (pull
// requests mixed in), labels, comments, Link pagination, tokens, scripted error answers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/fixture_server.h"

namespace ah::testing {

struct FakeIssue {
    int number = 0;
    std::string title;
    std::string body;
    std::string state = "open";  // "open" or "closed"
    std::string state_reason;    // "", "completed", "not_planned"
    std::vector<std::string> labels;
    bool pull_request = false;  // listed by the issues API with a `pull_request` key
    std::vector<std::string> comments;
};

// Serves https?://HOST/repos/OWNER/NAME/... (and /repositories/42/..., the form GitHub
// redirects renamed repositories to) for one repository, as documented at
// docs.github.com/rest/issues (issues, comments, labels) and /rest/using-the-rest-api
// (pagination, errors):
//   GET   /issues?state=&labels=a,b&per_page=&page=&sort=created&direction=  (default desc)
//   POST  /issues {title, body, labels}    -> 201; unknown labels are dropped (a token
//                                             without push access cannot create them)
//   PATCH /issues/N {title, body, state, state_reason}
//   POST  /issues/N/comments {body}        -> 201
//   GET   /labels/NAME -> 200 | 404;  POST /labels {name} -> 201 | 422 already_exists
// Bodies over 65,536 characters get 422 like GitHub. A wrong token gets 401; no token may
// read but not write. Another repository gets 404 {"message": "Not Found"}.
class FakeGitHubIssues {
public:
    static constexpr int repository_id = 42;

    FakeGitHubIssues(FixtureServer& server, std::string host, std::string repository, std::string token);

    // State set-up; numbers are assigned in order (issues and pull requests share them).
    int add_issue(FakeIssue issue);
    void add_label(std::string name);
    // GitHub caps per_page at 100; tests lower the cap to exercise pagination.
    void set_max_per_page(int n);
    // The next request with this method and path (without the query) gets `reply` instead,
    // before anything else is checked; several queue up in order.
    void answer_next(std::string method, std::string path, Reply reply);

    std::vector<FakeIssue> issues() const;  // issues and pull requests, by number
    FakeIssue issue(int number) const;
    std::vector<std::string> labels() const;
    // Open issues (not pull requests) that carry `label`.
    std::vector<FakeIssue> open_with_label(const std::string& label) const;

    const std::string& host() const { return host_; }
    const std::string& repository() const { return repository_; }

    struct State;

private:
    std::shared_ptr<State> state_;
    std::string host_;
    std::string repository_;
};

// Requests whose method is not GET or HEAD.
std::vector<RecordedRequest> mutations_of(const std::vector<RecordedRequest>& requests);

}  // namespace ah::testing
