// Fuzz target: URL normalisation and classification (classify_url), credential masking and
// the id helpers built on them. A normalised http(s) URL has a lower-case host, no raw
// space, control or non-ASCII byte after the host, and normalises to itself; masking hides
// the user part and is idempotent; an arXiv link's id is an arXiv id.
#include "ah/arxiv.h"
#include "ah/github.h"
#include "ah/url.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

namespace {

bool is_web_kind(ah::LinkKind k) {
    using K = ah::LinkKind;
    return !(k == K::malformed || k == K::empty || k == K::anchor || k == K::relative || k == K::other_scheme);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw = ah::fuzz::as_text(data, size);
    const ah::UrlInfo info = ah::classify_url(raw);

    const std::string masked = ah::mask_credentials(raw);
    check(ah::mask_credentials(masked) == masked, "mask_credentials is idempotent", masked);

    if (!is_web_kind(info.kind)) return 0;
    check(info.url.starts_with(info.scheme + "://"), "url: starts with its scheme", info.url);
    check(!info.host.empty(), "url: a web URL has a host", info.url);
    for (const char c : info.host) check(!(c >= 'A' && c <= 'Z'), "url: the host is lower-cased", info.url);
    const std::size_t authority_end = info.url.find_first_of("/?#", info.scheme.size() + 3);
    for (std::size_t i = authority_end == std::string::npos ? info.url.size() : authority_end; i < info.url.size(); ++i) {
        const auto c = static_cast<unsigned char>(info.url[i]);
        check(c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`',
              "url: spaces, controls and non-ASCII bytes after the host are percent-encoded", info.url);
    }

    const ah::UrlInfo again = ah::classify_url(info.url);
    check(again.url == info.url, "url: a normalised URL normalises to itself", info.url + " -> " + again.url);
    check(again.kind == info.kind, "url: a normalised URL keeps its kind", info.url);

    if (info.has_credentials) {
        const std::string shown = ah::mask_credentials(info.url);
        const std::size_t end = shown.find_first_of("/?#", info.scheme.size() + 3);
        const std::string_view authority = std::string_view(shown).substr(0, end);
        const std::size_t at = authority.rfind('@');
        check(at != std::string_view::npos && authority.substr(0, at).ends_with("://***"),
              "mask_credentials: nothing of the user part is shown", shown);
    }
    if (info.kind == ah::LinkKind::arxiv)
        check(ah::normalize_arxiv_id(info.id).has_value(), "url: an arXiv link's id is an arXiv id", info.id);
    if (info.kind == ah::LinkKind::github_repo)
        (void)ah::github_repo_key(info.id);
    return 0;
}
