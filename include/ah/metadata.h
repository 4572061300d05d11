// Metadata about a link's target from the APIs (GitHub, arXiv, HuggingFace), and the
// findings and suggestions drawn from it: plain values shared by the run and the snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ah {

struct RepoMeta {
    std::string name_with_owner, url, pushed_at, last_commit_at, license, etag, fetched_at;
    std::int64_t stars = 0;
    bool archived = false, disabled = false, fork = false, stale_copy = false;
};

struct PaperMeta {
    std::string id, title, published, updated, journal_ref, comment, doi, primary_category, fetched_at;
    int latest_version = 0;
    std::vector<std::string> authors;
    std::string inferred_venue, venue_evidence;
    int inferred_year = 0;
};

struct HubMeta {  // HuggingFace model, dataset or organisation
    std::string id, last_modified, fetched_at;
    std::int64_t likes = 0, downloads = 0, models = 0;
    bool gated = false;
};

struct FindingRecord {
    std::string kind;
    std::string severity;
    std::string message;
    int line = 0;
    std::string url;
    std::string entry;
    std::string evidence;
};

// A candidate link for a placeholder cell ("Comming soon" with no URL), e.g. a github.com
// URL in the paper's arXiv comment. Offered to the maintainer, never reported as a finding.
struct Suggestion {
    std::string entry;
    int line = 0;
    std::string url;
    std::string evidence;
};

// Request economy of the metadata stage, for the run summary.
struct ApiStats {
    int github_graphql_requests = 0;
    int github_rest_requests = 0;
    int github_not_modified = 0;
    int github_repositories = 0;
    int arxiv_requests = 0;
    int arxiv_ids = 0;
    std::int64_t arxiv_min_spacing_ms = -1;  // -1: fewer than two requests
    int huggingface_requests = 0;
    int wayback_requests = 0;
};

}  // namespace ah
