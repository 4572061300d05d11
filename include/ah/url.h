// URL normalization and classification: what a link points at (GitHub repo, arXiv paper, ...).
#pragma once

#include <string>
#include <string_view>

namespace ah {

enum class LinkKind {
    github_repo,   // github.com/{owner}/{repo}[/deep/path]
    github_other,  // github.com user/organisation pages and site pages
    arxiv,         // arxiv.org abs/pdf/html with an id
    ieee,          // ieeexplore.ieee.org document
    doi,           // doi.org resolver
    huggingface_model,
    huggingface_dataset,
    huggingface_space,
    huggingface_org,
    cvf,           // openaccess.thecvf.com
    web,           // any other http(s) page
    anchor,        // in-page #fragment
    relative,      // a path relative to the list file
    other_scheme,  // mailto:, ftp:, ...
    malformed,     // unparsable
    empty,         // []() with no target
};

std::string_view to_string(LinkKind kind);

// What a URL is, after normalization. `url` is what the checker requests.
struct UrlInfo {
    LinkKind kind = LinkKind::malformed;
    std::string url;        // normalized, without fragment; empty for empty/anchor/malformed
    std::string fragment;   // without '#'; has_fragment tells "x#" from "x"
    bool has_fragment = false;
    std::string scheme, host;
    std::string id;         // owner/repo, arXiv id, IEEE document number, DOI, HF id
    std::string version;    // arXiv version ("4" for v4), empty when unpinned
    std::string subpath;    // GitHub deep path after owner/repo ("tree/main/TOV_v1")
    std::string problem;    // why it is malformed
    bool has_credentials = false;
};

// Parses, normalizes (scheme and host lower-cased, default port dropped, fragment
// separated, empty path -> "/") and classifies one link target as written in the list.
UrlInfo classify_url(std::string_view raw);

// The URL with any user:password replaced by "***" (for reports and logs).
std::string mask_credentials(std::string_view url);

}  // namespace ah
