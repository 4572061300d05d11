// Fakes of the GitHub GraphQL API and the arXiv query API for end-to-end tests, answering in
// the documented shapes (GitHub GraphQL "repository" fields with aliases and NOT_FOUND
// errors; the arXiv Atom feed of the User's Manual 3.3). Configure them, then install() on
// a fixture server; they are not changed afterwards (handlers run on the server thread).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "support/fixture_server.h"

namespace ah::testing {

struct FakeRepo {
    std::string name_with_owner;  // empty: the listed name
    std::int64_t stars = 100;
    std::string last_commit_at = "2026-10-01T00:00:00Z";
    bool archived = false;
};

struct FakeGithub {
    std::map<std::string, FakeRepo> repos;  // by lower-cased "owner/name"; others: a default repository
    std::set<std::string> missing;          // lower-cased "owner/name" answered NOT_FOUND
    std::string expected_token;             // requests without "bearer <token>" get 401

    // Installs POST /graphql on `host`; counts requests.
    void install(FixtureServer& server, const std::string& host = "api.github.com");
    std::shared_ptr<std::atomic<int>> requests = std::make_shared<std::atomic<int>>(0);
};

struct FakePaper {
    std::string title;
    int version = 1;
    std::string journal_ref;
    std::string comment;
};

struct FakeArxiv {
    std::map<std::string, FakePaper> papers;  // by id; ids not here and not missing get a default paper
    std::set<std::string> missing;            // no entry in the feed
    void install(FixtureServer& server, const std::string& host = "export.arxiv.org");
    std::shared_ptr<std::atomic<int>> requests = std::make_shared<std::atomic<int>>(0);
};

}  // namespace ah::testing
