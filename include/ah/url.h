// URL normalization and classification: what a link points at (GitHub repo, arXiv paper, ...).
#pragma once

#include <array>
#include <cstdint>
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

// A UrlInfo packed for storage, one per link of a Catalog: the eight parts back to back in
// one string, the kind and the flags beside it (72 bytes instead of UrlInfo's 280; on a list
// of 100,000 links that is 20 MB).
class PackedUrl {
public:
    PackedUrl() = default;
    explicit PackedUrl(const UrlInfo& info);

    LinkKind kind() const { return kind_; }
    bool has_fragment() const { return has_fragment_; }
    bool has_credentials() const { return has_credentials_; }
    std::string_view url() const { return part(0); }
    std::string_view fragment() const { return part(1); }
    std::string_view scheme() const { return part(2); }
    std::string_view host() const { return part(3); }
    std::string_view id() const { return part(4); }
    std::string_view version() const { return part(5); }
    std::string_view subpath() const { return part(6); }
    std::string_view problem() const { return part(7); }
    UrlInfo unpack() const;

private:
    static constexpr std::size_t parts = 8;
    std::string_view part(std::size_t i) const {
        const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(text_).substr(begin, ends_[i] - begin);
    }

    std::string text_;
    std::array<std::uint32_t, parts> ends_{};
    LinkKind kind_ = LinkKind::malformed;
    bool has_fragment_ = false;
    bool has_credentials_ = false;
};

// Parses, normalizes (scheme and host lower-cased, default port dropped, fragment
// separated, empty path -> "/") and classifies one link target as written in the list.
UrlInfo classify_url(std::string_view raw);

// The URL with any user:password replaced by "***" (for reports and logs).
std::string mask_credentials(std::string_view url);

// The URL without its user:password@, for the target of a link in a report: a reader who
// follows it reaches the same page (and is asked to log in if it needs one).
std::string drop_credentials(std::string_view url);

}  // namespace ah
