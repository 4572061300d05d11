// URL normalization (through libcurl's URL parser) and classification by host and path.
#include "ah/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <utility>

#include "ah/arxiv.h"
#include "text_util.h"

namespace ah {

std::string_view to_string(LinkKind kind) {
    switch (kind) {
        case LinkKind::github_repo: return "github_repo";
        case LinkKind::github_other: return "github_other";
        case LinkKind::arxiv: return "arxiv";
        case LinkKind::ieee: return "ieee";
        case LinkKind::doi: return "doi";
        case LinkKind::huggingface_model: return "huggingface_model";
        case LinkKind::huggingface_dataset: return "huggingface_dataset";
        case LinkKind::huggingface_space: return "huggingface_space";
        case LinkKind::huggingface_org: return "huggingface_org";
        case LinkKind::cvf: return "cvf";
        case LinkKind::web: return "web";
        case LinkKind::anchor: return "anchor";
        case LinkKind::relative: return "relative";
        case LinkKind::other_scheme: return "other_scheme";
        case LinkKind::malformed: return "malformed";
        case LinkKind::empty: return "empty";
    }
    return "unknown";
}

namespace {

struct CurlUrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

// One component of a parsed URL; empty when absent.
std::string url_part(CURLU* u, CURLUPart part) {
    char* value = nullptr;
    if (curl_url_get(u, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
    std::string out(value);
    curl_free(value);
    return out;
}

// Browsers percent-encode spaces and non-ASCII bytes outside the host; so do we, so that
// `<https://x.org/a b>` (valid CommonMark) is checked as GitHub would link it.
std::string encode_unsafe_bytes(std::string_view raw) {
    std::size_t authority_end = 0;
    if (const auto scheme_end = raw.find("://"); scheme_end != std::string_view::npos) {
        authority_end = raw.find_first_of("/?#", scheme_end + 3);
        if (authority_end == std::string_view::npos) authority_end = raw.size();
    }
    std::string out(raw.substr(0, authority_end));
    static constexpr char hex[] = "0123456789ABCDEF";
    for (std::size_t i = authority_end; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c < 0x20) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!text::is_digit(c)) return false;
    return true;
}

// "2311.15153v4" -> id 2311.15153, version 4; "math/0211159" (old style, archive/7 digits).
// The grammar is the arXiv stage's (normalize_arxiv_id), so that every link classified as
// arxiv can be looked up there; anything else ("2322.15153": no month 22) is a web page.
bool parse_arxiv_id(std::string_view s, std::string& id, std::string& version) {
    const auto normalized = normalize_arxiv_id(s);
    // normalize_arxiv_id also accepts "arXiv:" prefixes and white space; a path does not.
    if (!normalized || s.substr(0, normalized->size()) != *normalized) return false;
    const std::string_view rest = s.substr(normalized->size());
    if (!rest.empty() && (rest.front() != 'v' || !all_digits(rest.substr(1)))) return false;
    id = *normalized;
    version = std::string(rest.empty() ? rest : rest.substr(1));
    return true;
}

constexpr std::array github_reserved = {
    "about", "apps", "codespaces", "collections", "contact", "customer-stories", "enterprise",
    "events", "explore", "features", "login", "marketplace", "new", "notifications", "orgs",
    "organizations", "pricing", "pulls", "issues", "readme", "search", "security", "settings",
    "site", "sponsors", "team", "topics", "trending", "join", "signup", "stars", "watching"};

bool is_github_reserved(std::string_view first_segment) {
    for (const char* r : github_reserved)
        if (text::iequals(first_segment, r)) return true;
    return false;
}

std::vector<std::string_view> path_segments(std::string_view path) {
    std::vector<std::string_view> out;
    for (auto part : text::split(path, '/'))
        if (!part.empty()) out.push_back(part);
    return out;
}

std::string join(const std::vector<std::string_view>& parts, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < parts.size(); ++i) {
        if (!out.empty()) out += '/';
        out += parts[i];
    }
    return out;
}

void classify_by_host(UrlInfo& info, std::string_view path, std::string_view query) {
    const std::string& host = info.host;
    const auto segments = path_segments(path);
    if (host == "github.com" || host == "www.github.com") {
        if (segments.size() >= 2 && !is_github_reserved(segments[0])) {
            std::string_view repo = segments[1];
            if (repo.size() > 4 && repo.substr(repo.size() - 4) == ".git") repo.remove_suffix(4);
            info.kind = LinkKind::github_repo;
            info.id = std::string(segments[0]) + "/" + std::string(repo);
            info.subpath = join(segments, 2);
        } else {
            info.kind = LinkKind::github_other;
            if (segments.size() == 1 && !is_github_reserved(segments[0])) info.id = std::string(segments[0]);
        }
        return;
    }
    if (host == "arxiv.org" || host == "www.arxiv.org" || host == "export.arxiv.org") {
        if (segments.size() >= 2 && (segments[0] == "abs" || segments[0] == "pdf" || segments[0] == "html")) {
            std::string candidate = join(segments, 1);
            if (candidate.size() > 4 && candidate.substr(candidate.size() - 4) == ".pdf")
                candidate.resize(candidate.size() - 4);
            if (parse_arxiv_id(candidate, info.id, info.version)) {
                info.kind = LinkKind::arxiv;
                return;
            }
        }
        info.kind = LinkKind::web;
        return;
    }
    if (host == "ieeexplore.ieee.org") {
        for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
            if (segments[i] == "document" && all_digits(segments[i + 1])) {
                info.kind = LinkKind::ieee;
                info.id = std::string(segments[i + 1]);
                return;
            }
        }
        if (const auto at = query.find("arnumber="); at != std::string_view::npos) {
            auto number = query.substr(at + 9);
            number = number.substr(0, number.find('&'));
            if (all_digits(number)) {
                info.kind = LinkKind::ieee;
                info.id = std::string(number);
                return;
            }
        }
        info.kind = LinkKind::web;
        return;
    }
    if (host == "doi.org" || host == "dx.doi.org" || host == "www.doi.org") {
        const std::string doi = join(segments, 0);
        if (doi.rfind("10.", 0) == 0 && doi.find('/') != std::string::npos) {
            info.kind = LinkKind::doi;
            info.id = doi;
            return;
        }
        info.kind = LinkKind::web;
        return;
    }
    if (host == "huggingface.co" || host == "www.huggingface.co" || host == "hf.co") {
        static constexpr std::array site_pages = {"docs", "papers", "blog", "models", "pricing",
                                                  "login", "join", "learn", "tasks", "settings"};
        const auto is_site_page = [&](std::string_view s) {
            for (const char* p : site_pages)
                if (s == p) return true;
            return false;
        };
        info.kind = LinkKind::web;
        if (segments.size() >= 3 && (segments[0] == "datasets" || segments[0] == "spaces")) {
            info.kind = segments[0] == "datasets" ? LinkKind::huggingface_dataset : LinkKind::huggingface_space;
            info.id = std::string(segments[1]) + "/" + std::string(segments[2]);
        } else if (segments.size() >= 2 && segments[0] != "datasets" && segments[0] != "spaces" &&
                   !is_site_page(segments[0])) {
            info.kind = LinkKind::huggingface_model;
            info.id = std::string(segments[0]) + "/" + std::string(segments[1]);
        } else if (segments.size() == 1 && segments[0] != "datasets" && segments[0] != "spaces" &&
                   !is_site_page(segments[0])) {
            info.kind = LinkKind::huggingface_org;
            info.id = std::string(segments[0]);
        }
        return;
    }
    if (host == "openaccess.thecvf.com") {
        info.kind = LinkKind::cvf;
        return;
    }
    info.kind = LinkKind::web;
}

bool has_scheme(std::string_view s, std::size_t& colon) {
    colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    if (!text::is_alpha(s[0])) return false;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = s[i];
        if (!(text::is_alnum(c) || c == '+' || c == '-' || c == '.')) return false;
    }
    return true;
}

}  // namespace

UrlInfo classify_url(std::string_view written) {
    UrlInfo info;
    const std::string_view raw = text::trim(written);
    if (raw.empty()) {
        info.kind = LinkKind::empty;
        return info;
    }
    if (raw.front() == '#') {
        info.kind = LinkKind::anchor;
        info.fragment = std::string(raw.substr(1));
        info.has_fragment = true;
        return info;
    }
    std::size_t colon = 0;
    if (!has_scheme(raw, colon)) {
        if (raw.rfind("//", 0) == 0) {
            info.kind = LinkKind::malformed;
            info.problem = "protocol-relative URL (no scheme)";
            return info;
        }
        info.kind = LinkKind::relative;
        info.url = std::string(raw);
        return info;
    }
    info.scheme = text::to_lower(raw.substr(0, colon));
    if (info.scheme != "http" && info.scheme != "https") {
        info.kind = LinkKind::other_scheme;
        info.url = info.scheme + std::string(raw.substr(colon));
        return info;
    }
    if (raw.substr(colon, 3) != "://") {
        info.kind = LinkKind::malformed;
        info.problem = "expected '//' after '" + info.scheme + ":'";
        return info;
    }

    const std::string encoded = encode_unsafe_bytes(raw);
    // Only the authority can still hold a NUL here, and curl would read the URL up to it.
    if (encoded.find('\0') != std::string::npos) {
        info.kind = LinkKind::malformed;
        info.problem = "NUL byte in the host part";
        return info;
    }
    CurlUrl handle(curl_url());
    if (!handle) {
        info.kind = LinkKind::malformed;
        info.problem = "out of memory";
        return info;
    }
    if (const CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, encoded.c_str(), 0); rc != CURLUE_OK) {
        info.kind = LinkKind::malformed;
        info.problem = curl_url_strerror(rc);
        return info;
    }
    info.host = text::to_lower(url_part(handle.get(), CURLUPART_HOST));
    if (info.host.empty()) {
        info.kind = LinkKind::malformed;
        info.problem = "no host";
        return info;
    }
    // curl decodes %XX in a host after it has normalised the host, so the decoded form
    // would parse differently next time ("%3123" -> "123" -> "0.0.0.123", "%25" -> "%").
    // Host names are never percent-encoded in practice: such a link is malformed.
    // curl takes "http:///host" as "http://host": skip every slash, as it does.
    std::string_view raw_host = std::string_view(encoded).substr(colon + 1);
    raw_host.remove_prefix(std::min(raw_host.find_first_not_of("/\\"), raw_host.size()));
    raw_host = raw_host.substr(0, raw_host.find_first_of("/\\?#"));
    if (const auto at = raw_host.rfind('@'); at != std::string_view::npos) raw_host.remove_prefix(at + 1);
    if (raw_host.find('%') != std::string_view::npos ||
        std::any_of(info.host.begin(), info.host.end(),
                    [](char c) { return c == '%' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
        info.kind = LinkKind::malformed;
        info.problem = "invalid host name";
        return info;
    }
    const std::string port = url_part(handle.get(), CURLUPART_PORT);
    const std::string user = url_part(handle.get(), CURLUPART_USER);
    const std::string password = url_part(handle.get(), CURLUPART_PASSWORD);
    std::string path = url_part(handle.get(), CURLUPART_PATH);
    const std::string query = url_part(handle.get(), CURLUPART_QUERY);
    // curl drops an empty fragment ("x#"): look at the text for it.
    info.fragment = url_part(handle.get(), CURLUPART_FRAGMENT);
    info.has_fragment = raw.find('#') != std::string_view::npos;
    if (path.empty()) path = "/";

    const bool default_port = port.empty() || (info.scheme == "http" && port == "80") ||
                              (info.scheme == "https" && port == "443");
    info.has_credentials = !user.empty() || !password.empty();
    std::string url = info.scheme + "://";
    if (info.has_credentials) {
        url += user;
        if (!password.empty()) url += ":" + password;
        url += "@";
    }
    url += info.host;
    if (!default_port) url += ":" + port;
    url += path;
    if (!query.empty()) url += "?" + query;
    info.url = std::move(url);
    classify_by_host(info, path, query);
    return info;
}

PackedUrl::PackedUrl(const UrlInfo& info)
    : kind_(info.kind), has_fragment_(info.has_fragment), has_credentials_(info.has_credentials) {
    const std::string* fields[parts] = {&info.url, &info.fragment, &info.scheme,  &info.host,
                                        &info.id,  &info.version,  &info.subpath, &info.problem};
    std::size_t size = 0;
    for (const std::string* f : fields) size += f->size();
    text_.reserve(size);
    for (std::size_t i = 0; i < parts; ++i) {
        text_ += *fields[i];
        ends_[i] = static_cast<std::uint32_t>(text_.size());
    }
}

UrlInfo PackedUrl::unpack() const {
    UrlInfo info;
    info.kind = kind_;
    info.url = url();
    info.fragment = fragment();
    info.has_fragment = has_fragment_;
    info.scheme = scheme();
    info.host = host();
    info.id = id();
    info.version = version();
    info.subpath = subpath();
    info.problem = problem();
    info.has_credentials = has_credentials_;
    return info;
}

namespace {

// Where the "user:password@" of an absolute URL starts and ends (the '@' included); nullopt
// when there is none. The authority ends at the first '/', '?' or '#'.
std::optional<std::pair<std::size_t, std::size_t>> userinfo_span(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const auto authority_start = scheme_end + 3;
    auto authority_end = url.find_first_of("/?#", authority_start);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority_start) return std::nullopt;
    return std::pair{authority_start, at + 1};
}

}  // namespace

std::string mask_credentials(std::string_view url) {
    const auto span = userinfo_span(url);
    if (!span) return std::string(url);
    return std::string(url.substr(0, span->first)) + "***@" + std::string(url.substr(span->second));
}

std::string drop_credentials(std::string_view url) {
    const auto span = userinfo_span(url);
    if (!span) return std::string(url);
    return std::string(url.substr(0, span->first)) + std::string(url.substr(span->second));
}

}  // namespace ah
