// arXiv metadata: id normalisation, the Atom feed parser and the rate-limited batch client.
//
// The API is described in the arXiv API User's Manual
// (https://info.arxiv.org/help/api/user-manual.html): id_list queries (3.1.1), the Atom
// response with its OpenSearch and arxiv: extension elements (3.3), Error entries (3.4).
// Its terms of use ask for one request every three seconds over one connection.
#include "ah/arxiv.h"

#include <boost/asio/post.hpp>

#include <pugixml.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "net/http_engine.h"
#include "retry.h"
#include "text_util.h"

namespace ah {

namespace {

constexpr std::string_view atom_ns = "http://www.w3.org/2005/Atom";
constexpr std::string_view arxiv_ns = "http://arxiv.org/schemas/atom";
constexpr std::string_view opensearch_ns = "http://a9.com/-/spec/opensearch/1.1/";

// Large enough for max_arxiv_batch_size entries with long abstracts; the cap only guards
// against a runaway answer.
constexpr std::size_t arxiv_body_cap = 32 * 1024 * 1024;

// ---- identifiers -----------------------------------------------------------------------

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return text::is_digit(c); });
}

// "2311.15153", "0704.0001": YYMM.NNNN (until 2014) or YYMM.NNNNN.
bool is_new_style(std::string_view id) {
    const auto dot = id.find('.');
    if (dot != 4 || !all_digits(id.substr(0, 4))) return false;
    const auto number = id.substr(5);
    const int month = (id[2] - '0') * 10 + (id[3] - '0');
    return all_digits(number) && (number.size() == 4 || number.size() == 5) && month >= 1 && month <= 12;
}

// "math/0211159", "math.AG/0211159", "cond-mat.mes-hall/0211022": archive[.class]/YYMMNNN.
bool is_old_style(std::string_view id) {
    const auto slash = id.find('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    const auto number = id.substr(slash + 1);
    if (number.size() != 7 || !all_digits(number)) return false;
    const auto archive = id.substr(0, slash);
    const auto dot = archive.find('.');
    const auto name = archive.substr(0, dot);
    if (!text::is_alpha(name.front())) return false;
    for (char c : name)
        if (!(c >= 'a' && c <= 'z') && c != '-') return false;
    if (dot != std::string_view::npos) {
        const auto cls = archive.substr(dot + 1);
        if (cls.empty()) return false;
        for (char c : cls)
            if (!text::is_alpha(c) && c != '-') return false;
    }
    return true;
}

// Splits "2311.15153v4" into ("2311.15153", 4); version 0 when there is none.
std::pair<std::string_view, int> split_version(std::string_view id) {
    std::size_t i = id.size();
    while (i > 0 && text::is_digit(id[i - 1])) --i;
    if (i == id.size() || i < 2 || id[i - 1] != 'v' || !text::is_digit(id[i - 2])) return {id, 0};
    const auto digits = id.substr(i);
    if (digits.size() > 4) return {id, 0};
    int version = 0;
    for (char c : digits) version = version * 10 + (c - '0');
    return {id.substr(0, i - 1), version};
}

// ---- XML helpers (pugixml keeps prefixes in names; namespaces are resolved here) -------

// The namespace URI bound to the element's prefix, from xmlns attributes on it or above it.
std::string_view namespace_of(pugi::xml_node node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    const std::string attribute =
        colon == std::string_view::npos ? std::string("xmlns") : "xmlns:" + std::string(name.substr(0, colon));
    for (auto n = node; n && n.type() == pugi::node_element; n = n.parent()) {
        if (const auto a = n.attribute(attribute.c_str())) return a.value();
    }
    return {};
}

std::string_view local_name(pugi::xml_node node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool is_element(pugi::xml_node node, std::string_view ns, std::string_view local) {
    return node.type() == pugi::node_element && local_name(node) == local && namespace_of(node) == ns;
}

pugi::xml_node child_of(pugi::xml_node parent, std::string_view ns, std::string_view local) {
    for (auto c : parent.children())
        if (is_element(c, ns, local)) return c;
    return {};
}

// All character data below the node, whitespace collapsed; copied out of pugixml's buffer.
std::string text_of(pugi::xml_node node) {
    std::string out;
    const auto collect = [&out](auto& self, pugi::xml_node n) -> void {
        for (auto c : n.children()) {
            if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
            else if (c.type() == pugi::node_element) self(self, c);
        }
    };
    if (node) collect(collect, node);
    return text::collapse_space(out);
}

bool looks_like_html(std::string_view body) {
    const auto head = body.substr(0, 1024);
    return text::icontains(head, "<!doctype html") || text::icontains(head, "<html");
}

// Is `needle` in `haystack` as a whole id (not part of a longer id or number)?
bool mentions_id(std::string_view haystack, std::string_view needle) {
    const auto part_of_id = [](char c) { return text::is_alnum(c) || c == '.' || c == '/' || c == '-'; };
    for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) {
        const bool left_ok = at == 0 || !part_of_id(haystack[at - 1]);
        const auto end = at + needle.size();
        // "...for 2311.15153." ends a sentence: a trailing dot not followed by a digit is fine.
        const bool right_ok = end == haystack.size() || !part_of_id(haystack[end]) ||
                              (haystack[end] == '.' && (end + 1 == haystack.size() || !text::is_digit(haystack[end + 1])));
        if (left_ok && right_ok) return true;
    }
    return false;
}

// What parsing one answer tells the client beyond the per-id results.
struct FeedOutcome {
    ArxivLookup lookup;
    bool retry_batch = false;            // nothing usable but worth asking again
    std::vector<std::string> ask_again;  // rejected only because a neighbour was invalid
};

FeedOutcome fail_all(const std::vector<std::string>& requested, const std::string& reason, bool retry = false) {
    FeedOutcome out;
    for (const auto& id : requested) out.lookup.failed[id] = reason;
    out.retry_batch = retry;
    return out;
}

bool is_rate_exceeded(std::string_view body) { return text::istarts_with(text::trim(body), "rate exceeded"); }

FeedOutcome parse_feed(std::string_view xml, const std::vector<std::string>& requested) {
    if (text::trim(xml).empty()) return fail_all(requested, "the arXiv API sent an empty answer");
    if (is_rate_exceeded(xml)) return fail_all(requested, "the arXiv API answered \"Rate exceeded.\"", true);

    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        if (looks_like_html(xml)) return fail_all(requested, "the arXiv API sent an HTML page instead of an Atom feed");
        const bool at_end = static_cast<std::size_t>(parsed.offset) + 1 >= text::trim(xml).size();
        return fail_all(requested, fmt::format("the arXiv API sent malformed XML ({} at byte {}{})",
                                               parsed.description(), parsed.offset,
                                               at_end ? "; the answer looks truncated" : ""));
    }
    const auto feed = doc.document_element();
    if (!is_element(feed, atom_ns, "feed")) {
        if (text::iequals(local_name(feed), "html") || looks_like_html(xml))
            return fail_all(requested, "the arXiv API sent an HTML page instead of an Atom feed");
        return fail_all(requested, fmt::format("the arXiv API's answer is not an Atom feed (root element <{}>)",
                                               std::string(feed.name())));
    }

    std::optional<long> total_results;
    if (const auto total = child_of(feed, opensearch_ns, "totalResults")) {
        const std::string t = text_of(total);
        if (all_digits(t) && t.size() < 10) total_results = std::stol(t);
    }

    // Old-style ids come back without their subject class; several spellings may share one.
    std::map<std::string, std::vector<std::string>> by_canonical;
    for (const auto& id : requested) by_canonical[arxiv_canonical_id(id)].push_back(id);

    FeedOutcome out;
    ArxivLookup& result = out.lookup;
    std::string batch_error;  // an Error entry that names no requested id
    bool named_errors = false;
    long entries = 0;
    for (auto entry : feed.children()) {
        if (!is_element(entry, atom_ns, "entry")) continue;
        ++entries;
        const std::string id_url = text_of(child_of(entry, atom_ns, "id"));
        const std::string title = text_of(child_of(entry, atom_ns, "title"));
        if (title == "Error" || id_url.find("/api/errors") != std::string::npos) {
            std::string message = text_of(child_of(entry, atom_ns, "summary"));
            if (message.empty()) message = id_url;
            bool named = false;
            for (const auto& id : requested) {
                if (result.found.count(id)) continue;  // an entry with its metadata outweighs an error naming it
                if (mentions_id(message, id) || mentions_id(message, arxiv_canonical_id(id)) ||
                    mentions_id(id_url, id) || mentions_id(id_url, arxiv_canonical_id(id))) {
                    result.missing[id] = "arXiv API error: " + message;
                    named = true;
                }
            }
            named_errors = named_errors || named;
            if (!named && batch_error.empty()) batch_error = message;
            continue;
        }
        const auto abs = id_url.find("/abs/");
        if (abs == std::string::npos) continue;
        const auto [bare, version] = split_version(std::string_view(id_url).substr(abs + 5));
        const auto wanted = by_canonical.find(arxiv_canonical_id(bare));
        if (wanted == by_canonical.end()) continue;  // not asked for: ignore

        ArxivPaper paper;
        paper.id = std::string(bare);
        paper.latest_version = version;
        paper.title = title;
        for (auto author : entry.children()) {
            if (!is_element(author, atom_ns, "author")) continue;
            if (auto name = text_of(child_of(author, atom_ns, "name")); !name.empty()) paper.authors.push_back(name);
        }
        paper.published = text_of(child_of(entry, atom_ns, "published"));
        paper.updated = text_of(child_of(entry, atom_ns, "updated"));
        paper.journal_ref = text_of(child_of(entry, arxiv_ns, "journal_ref"));
        paper.comment = text_of(child_of(entry, arxiv_ns, "comment"));
        paper.doi = text_of(child_of(entry, arxiv_ns, "doi"));
        paper.primary_category = child_of(entry, arxiv_ns, "primary_category").attribute("term").value();
        paper.withdrawn = text::icontains(paper.comment, "withdrawn");
        for (const auto& id : wanted->second) {
            result.missing.erase(id);
            result.found[id] = paper;
        }
    }

    for (const auto& id : requested) {
        if (result.found.count(id) || result.missing.count(id)) continue;
        if (!batch_error.empty()) {
            result.failed[id] = "arXiv API error: " + batch_error;
        } else if (named_errors) {
            // arXiv rejects the whole id_list when one id is invalid; this one was not looked at.
            result.failed[id] = "not looked up: the arXiv API rejected an invalid id in the same request";
            out.ask_again.push_back(id);
        } else if (entries == 0 && requested.size() > 1) {
            // The API occasionally answers an empty feed under load; a whole batch of
            // well-formed ids vanishing at once is that, not a batch of dead links.
            result.failed[id] = fmt::format("the arXiv API answered an empty feed for {} ids", requested.size());
            out.retry_batch = true;
        } else if (total_results && *total_results > entries) {
            result.failed[id] = fmt::format("incomplete answer: {} entries of {} announced", entries, *total_results);
        } else {
            result.missing[id] = "the arXiv API has no entry for this id";
        }
    }
    return out;
}

}  // namespace

// ---- public pure functions -------------------------------------------------------------

std::optional<std::string> normalize_arxiv_id(std::string_view raw) {
    std::string_view id = text::trim(raw);
    if (text::istarts_with(id, "arxiv:")) id = text::trim(id.substr(6));
    id = split_version(id).first;
    if (is_new_style(id) || is_old_style(id)) return std::string(id);
    return std::nullopt;
}

std::string arxiv_canonical_id(std::string_view id) {
    const auto slash = id.find('/');
    if (slash == std::string_view::npos) return std::string(id);
    const auto dot = id.substr(0, slash).find('.');
    if (dot == std::string_view::npos) return std::string(id);
    return std::string(id.substr(0, dot)) + std::string(id.substr(slash));
}

ArxivLookup parse_atom_feed(std::string_view xml, const std::vector<std::string>& requested_ids) {
    return parse_feed(xml, requested_ids).lookup;
}

// ---- the client ------------------------------------------------------------------------

struct ArxivClient::Job {
    ArxivLookup result;
    Done done;
    int pending = 0;  // batches not finished yet
};

struct ArxivClient::Batch {
    std::shared_ptr<Job> job;
    std::vector<std::string> ids;  // normalised, distinct
    int attempt = 0;               // requests made for this batch so far
    std::chrono::steady_clock::time_point not_before{};
};

ArxivClient::ArxivClient(boost::asio::io_context& io, net::HttpTransport& transport, ArxivSettings settings)
    : io_(io), transport_(transport), settings_(std::move(settings)), timer_(io) {
    settings_.min_interval = std::max(settings_.min_interval, arxiv_min_interval_floor);
    settings_.batch_size = std::clamp(settings_.batch_size, 1, max_arxiv_batch_size);
    settings_.max_retries = std::max(settings_.max_retries, 0);
    while (!settings_.api_url.empty() && settings_.api_url.back() == '/') settings_.api_url.pop_back();
}

ArxivClient::~ArxivClient() { *alive_ = false; }

void ArxivClient::lookup(std::vector<std::string> ids, Done done) {
    auto job = std::make_shared<Job>();
    job->done = std::move(done);
    std::vector<std::string> unique;
    std::set<std::string> seen;
    for (const auto& raw : ids) {
        const auto id = normalize_arxiv_id(raw);
        if (!id) {
            job->result.missing[std::string(text::trim(raw))] = "not an arXiv identifier";
            continue;
        }
        if (seen.insert(*id).second) unique.push_back(*id);
    }
    const auto size = static_cast<std::size_t>(settings_.batch_size);
    for (std::size_t at = 0; at < unique.size(); at += size) {
        auto batch = std::make_unique<Batch>();
        batch->job = job;
        batch->ids.assign(unique.begin() + static_cast<std::ptrdiff_t>(at),
                          unique.begin() + static_cast<std::ptrdiff_t>(std::min(unique.size(), at + size)));
        ++job->pending;
        queue_.push_back(std::move(batch));
    }
    if (job->pending == 0) {
        boost::asio::post(io_, [job, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.lock()) job->done(std::move(job->result));
        });
        return;
    }
    pump();
}

void ArxivClient::pump() {
    if (in_flight_ || queue_.empty()) return;
    Batch& batch = *queue_.front();
    auto start = batch.not_before;
    if (last_start_) start = std::max(start, *last_start_ + settings_.min_interval);
    if (std::chrono::steady_clock::now() < start) {
        timer_.expires_at(start);
        timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
            if (ec || !alive.lock()) return;
            pump();
        });
        return;
    }
    send(batch);
}

void ArxivClient::send(Batch& batch) {
    std::string id_list;
    std::set<std::string> asked;
    for (const auto& id : batch.ids) {
        auto canonical = arxiv_canonical_id(id);
        if (!asked.insert(canonical).second) continue;
        if (!id_list.empty()) id_list += ',';
        id_list += canonical;
    }
    HttpRequest request;
    request.method = HttpMethod::get;
    // max_results defaults to 10: always ask for at least as many as the batch holds.
    request.url = fmt::format("{}/api/query?id_list={}&max_results={}", settings_.api_url, id_list,
                              std::max<std::size_t>(static_cast<std::size_t>(settings_.batch_size), batch.ids.size()));
    request.headers.emplace_back("Accept", "application/atom+xml");
    request.body_cap = arxiv_body_cap;
    request.timeout = settings_.timeout;

    const auto now = std::chrono::steady_clock::now();
    in_flight_ = true;
    last_start_ = now;
    ++batch.attempt;
    ++batch.job->result.requests;
    batch.job->result.request_times.push_back(now);
    transport_.start(std::move(request), [this, alive = std::weak_ptr<bool>(alive_)](HttpResponse response) {
        if (!alive.lock()) return;
        on_response(response);
    });
}

void ArxivClient::on_response(const HttpResponse& response) {
    in_flight_ = false;
    Batch& batch = *queue_.front();
    const auto retry_after = [&]() -> std::optional<std::chrono::milliseconds> {
        if (auto value = response.header("retry-after")) {
            if (auto s = parse_retry_after(*value, std::chrono::system_clock::now())) return *s;
        }
        return std::nullopt;
    };

    if (response.error != TransportError::none) {
        const std::string reason = fmt::format("arXiv API request failed: {} ({})", to_string(response.error),
                                               response.error_message);
        if (response.error == TransportError::url) {
            for (const auto& id : batch.ids) batch.job->result.failed[id] = reason;
            finish_front();
        } else {
            retry_or_fail(reason, std::nullopt);
        }
        return;
    }
    const long status = response.status;
    if (status == 429 || status == 503 || is_rate_exceeded(response.body)) {
        retry_or_fail(is_rate_exceeded(response.body)
                          ? std::string("the arXiv API answered \"Rate exceeded.\"")
                          : fmt::format("the arXiv API answered HTTP {} (rate limited)", status),
                      retry_after());
        return;
    }
    if (status >= 500) {
        retry_or_fail(fmt::format("the arXiv API answered HTTP {}", status), retry_after());
        return;
    }
    std::string failure;
    if (status >= 300 && status < 400) {
        failure = fmt::format("the arXiv API answered HTTP {} (redirect to {})", status, response.redirect_url);
    } else if (status >= 400 && !text::icontains(response.body.substr(0, 512), "<feed")) {
        // arXiv explains a bad query with an Atom feed holding an Error entry (even on 400);
        // anything else is not an answer about these ids.
        failure = fmt::format("the arXiv API answered HTTP {}", status);
    } else if (response.body_truncated) {
        failure = fmt::format("the arXiv API's answer was cut off at {} bytes", response.body.size());
    }
    if (!failure.empty()) {
        for (const auto& id : batch.ids) batch.job->result.failed[id] = failure;
        finish_front();
        return;
    }

    FeedOutcome outcome = parse_feed(response.body, batch.ids);
    if (outcome.retry_batch && batch.attempt <= settings_.max_retries) {
        retry_or_fail(outcome.lookup.failed.begin()->second, std::nullopt);
        return;
    }
    ArxivLookup& result = batch.job->result;
    for (auto& [id, paper] : outcome.lookup.found) result.found[id] = std::move(paper);
    for (auto& [id, reason] : outcome.lookup.missing) result.missing[id] = std::move(reason);
    const bool progressed = !outcome.lookup.missing.empty();
    for (auto& [id, reason] : outcome.lookup.failed) {
        const bool again = progressed && std::find(outcome.ask_again.begin(), outcome.ask_again.end(), id) !=
                                             outcome.ask_again.end();
        if (!again) result.failed[id] = std::move(reason);
    }
    if (progressed && !outcome.ask_again.empty()) {
        // Ask again for the ids an invalid neighbour took down, right after this batch.
        auto next = std::make_unique<Batch>();
        next->job = batch.job;
        next->ids = std::move(outcome.ask_again);
        ++batch.job->pending;
        queue_.insert(queue_.begin() + 1, std::move(next));
    }
    finish_front();
}

void ArxivClient::retry_or_fail(std::string reason, std::optional<std::chrono::milliseconds> retry_after) {
    Batch& batch = *queue_.front();
    if (batch.attempt > settings_.max_retries) {
        const std::string message = fmt::format("{} (after {} attempts)", reason, batch.attempt);
        for (const auto& id : batch.ids) batch.job->result.failed[id] = message;
        finish_front();
        return;
    }
    if (retry_after && *retry_after > settings_.max_retry_after) {
        const std::string message =
            fmt::format("{}; it asked to wait {} s, longer than allowed", reason,
                        std::chrono::duration_cast<std::chrono::seconds>(*retry_after).count());
        for (const auto& id : batch.ids) batch.job->result.failed[id] = message;
        finish_front();
        return;
    }
    // Without Retry-After the wait doubles with each retry: 2x, 4x, 8x the interval.
    const auto delay = retry_after ? *retry_after : settings_.min_interval * (1 << std::min(batch.attempt, 10));
    batch.not_before = std::chrono::steady_clock::now() + delay;
    pump();
}

void ArxivClient::finish_front() {
    std::unique_ptr<Batch> batch = std::move(queue_.front());
    queue_.erase(queue_.begin());
    if (--batch->job->pending == 0) {
        boost::asio::post(io_, [job = batch->job, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.lock()) job->done(std::move(job->result));
        });
    }
    pump();
}

}  // namespace ah
