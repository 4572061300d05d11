// arXiv metadata stage: batched, rate-limited id_list queries to the arXiv API and the
// Atom feed parser that turns an answer into found / missing / failed ids.
#pragma once

#include "ah/defaults.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ah/http.h"

namespace ah {

namespace net {
class HttpTransport;
}

// arXiv's terms of use: no more than one request every three seconds, one connection at
// a time (https://info.arxiv.org/help/api/tou.html). ArxivSettings::min_interval is never
// allowed below this, whatever configuration passes.
inline constexpr std::chrono::milliseconds arxiv_min_interval_floor{3000};
// The API refuses to return more than this many results per call (User's Manual 3.1.1.2).
inline constexpr int max_arxiv_batch_size = 2000;
inline constexpr int default_arxiv_max_retries = 3;

struct ArxivPaper {
    std::string id;  // without version, as the API spells it: "2311.15153", "math/0211159"
    std::string title;  // whitespace collapsed
    std::vector<std::string> authors;
    std::string published, updated;  // ISO 8601 as given
    int latest_version = 0;          // from the entry's id URL ("...v4" -> 4)
    std::string journal_ref, comment, doi, primary_category;  // whitespace collapsed
    bool withdrawn = false;  // the comment says the paper was withdrawn
};

struct ArxivSettings {
    // Requests go to {api_url}/api/query?id_list=...&max_results=N.
    std::string api_url = "https://export.arxiv.org";
    int batch_size = default_arxiv_batch_size;  // clamped to [1, max_arxiv_batch_size]
    // Between request starts; clamped to >= arxiv_min_interval_floor whatever is passed.
    std::chrono::milliseconds min_interval{arxiv_min_interval_floor};
    int max_retries = default_arxiv_max_retries;  // per batch, after the first attempt
    std::chrono::milliseconds timeout{30000};     // per request
    // A Retry-After longer than this is not waited for: the batch fails instead.
    std::chrono::seconds max_retry_after{300};
};

struct ArxivLookup {
    // Keyed by the requested id without version, as the caller spelled it
    // ("math.AG/0211159" stays "math.AG/0211159"; ArxivPaper::id is then "math/0211159").
    std::map<std::string, ArxivPaper> found;
    // id -> reason: no entry for it, an API Error entry naming it, or not an arXiv id at
    // all. The link is dead.
    std::map<std::string, std::string> missing;
    // id -> why its batch gave no usable answer (malformed or truncated XML, an HTML page,
    // 5xx or rate limiting after the retries, ...). The verdict is "error", NOT dead.
    std::map<std::string, std::string> failed;
    int requests = 0;  // HTTP requests made, retries included
    std::vector<std::chrono::steady_clock::time_point> request_times;  // request starts
};

// Normalised form of an arXiv identifier as the API's id_list wants it: no "arXiv:"
// prefix, no version, new-style "YYMM.NNNN[N]" or old-style "archive[.SC]/YYMMNNN".
// nullopt when `id` is not an arXiv identifier. The old-style subject class is kept.
std::optional<std::string> normalize_arxiv_id(std::string_view id);

// The key under which the API answers for an id: old-style subject classes dropped
// ("math.AG/0211159" -> "math/0211159"), new-style ids unchanged. Expects a normalised id.
std::string arxiv_canonical_id(std::string_view normalized_id);

// Parses one answer of the API for a batch of `requested_ids` (normalised, no versions).
// Pure: every requested id ends in exactly one of found, missing or failed; a feed that
// cannot be trusted as a whole (malformed XML, not Atom, an HTML page, entries expected
// but none given) puts every requested id in `failed` with the same message. An Error
// entry that names a requested id makes that id missing; one that names none fails the
// batch. Entries are matched by the id in their <id> URL, not by position.
ArxivLookup parse_atom_feed(std::string_view xml, const std::vector<std::string>& requested_ids);

// Looks ids up in batches, one request at a time, starts spaced by min_interval (a
// steady_timer waits; nothing sleeps). 429, 503 and the plain-text "Rate exceeded." are
// retried after Retry-After or, without one, after an interval that doubles; other 5xx,
// timeouts and connection failures are retried the same way. A batch that still fails
// puts its ids in `failed`. Ids that arXiv rejected together with an invalid neighbour
// are asked again in a later batch of their own.
//
// Threading and lifetime follow the transport: construct, call lookup() and destroy on
// the io_context thread; `done` runs there, never inline. Several lookups may be pending;
// they share the one request stream and its spacing. Destroying the client drops pending
// callbacks without calling them. The transport must outlive the client.
class ArxivClient {
public:
    using Done = std::function<void(ArxivLookup)>;

    ArxivClient(boost::asio::io_context& io, net::HttpTransport& transport, ArxivSettings settings);
    ~ArxivClient();
    ArxivClient(const ArxivClient&) = delete;
    ArxivClient& operator=(const ArxivClient&) = delete;

    // De-duplicates `ids` (versions and "arXiv:" prefixes ignored) and looks them up.
    void lookup(std::vector<std::string> ids, Done done);

    const ArxivSettings& settings() const { return settings_; }  // after clamping

private:
    struct Job;
    struct Batch;

    void pump();
    void send(Batch& batch);
    void on_response(const HttpResponse& response);
    void retry_or_fail(std::string reason, std::optional<std::chrono::milliseconds> retry_after);
    void finish_front();

    boost::asio::io_context& io_;
    net::HttpTransport& transport_;
    ArxivSettings settings_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::vector<std::unique_ptr<Batch>> queue_;  // front is next or in flight
    bool in_flight_ = false;
    std::optional<std::chrono::steady_clock::time_point> last_start_;
    boost::asio::steady_timer timer_;
};

}  // namespace ah
