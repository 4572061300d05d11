// Snapshot building (history carried over by URL), serialization and strict loading.
#include "ah/snapshot.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <unordered_map>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/json_writer.h"
#include "text_util.h"

namespace ah {

bool is_failure(Verdict v) { return v == Verdict::dead || v == Verdict::error; }

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

TargetIndex::TargetIndex(const Snapshot* snapshot) {
    if (snapshot == nullptr) return;
    by_url_.reserve(snapshot->targets.size());
    for (const auto& t : snapshot->targets) by_url_.emplace(t.url, &t);
}

const TargetRecord* TargetIndex::find(std::string_view url) const {
    const auto it = by_url_.find(url);
    return it == by_url_.end() ? nullptr : it->second;
}

std::size_t Snapshot::count(Verdict v) const {
    return static_cast<std::size_t>(
        std::count_if(targets.begin(), targets.end(), [&](const TargetRecord& t) { return t.result.verdict == v; }));
}

namespace {

bool confirms_at_once(const CheckResult& r, const std::vector<std::string>& rules) {
    if (r.verdict != Verdict::dead) return false;
    const auto has = [&](std::string_view rule) { return std::find(rules.begin(), rules.end(), rule) != rules.end(); };
    if (r.http_status == 404 && has("404")) return true;
    if (r.http_status == 410 && has("410")) return true;
    if (r.transport == TransportError::dns && has("nxdomain")) return true;
    if (r.checked_by != "http" && has("not_found")) return true;
    return false;
}

// Frees a vector's storage now, not when its owner dies.
template <typename T>
void release(std::vector<T>& v) {
    std::vector<T>().swap(v);
}

template <typename T>
void keep_last(std::vector<T>& v, int n) {
    if (n > 0 && v.size() > static_cast<std::size_t>(n)) v.erase(v.begin(), v.end() - n);
}

}  // namespace

Snapshot build_snapshot(Catalog catalog, RunOutcome outcome, const Snapshot* previous, const HistoryPolicy& policy,
                        const SnapshotInputs& inputs) {
    Snapshot s;
    s.tool = std::string("awesome-health ") + AH_VERSION;
    s.generated_at = inputs.generated_at;
    s.duration_ms = outcome.elapsed.count();
    s.list_source = inputs.list_source;
    s.list_sha256 = inputs.list_sha256;
    s.config_digest = inputs.config_digest;
    s.requests = outcome.requests;
    s.retries = outcome.retries;
    s.rate_limited = outcome.rate_limited;
    s.hosts = std::move(outcome.hosts);

    const TargetIndex before_by_url(previous);

    // Strings move from the Catalog and the outcome into the snapshot, and each part of
    // them is released once used, in an order that never holds the three in full: entries
    // and occurrences first (they need the Catalog's links), then the Catalog goes, then
    // the targets take the results.
    s.entries.reserve(catalog.entries.size());
    for (Entry& e : catalog.entries) {
        EntryRecord r{e.section(), e.abbreviation, e.title, std::move(e.publication.venue), e.publication.year, e.line, {}};
        r.urls.reserve(e.links.size());
        for (std::size_t li : e.links) {
            const Link& l = catalog.links[li];
            if (l.target != no_index) r.urls.push_back(catalog.targets[l.target].url);
        }
        s.entries.push_back(std::move(r));
        // Occurrences and findings below still name the entry (display_name, section).
        release(e.cells);
        release(e.links);
        e.publication = Publication{};
    }
    std::vector<std::vector<Occurrence>> occurrences(catalog.targets.size());
    for (std::size_t i = 0; i < catalog.targets.size(); ++i) {
        occurrences[i].reserve(catalog.targets[i].occurrences.size());
        for (std::size_t li : catalog.targets[i].occurrences) {
            const Link& l = catalog.links[li];
            Occurrence o{l.line, l.column, std::string(to_string(l.role)), "", ""};
            if (l.entry != no_index) {
                o.entry = catalog.entries[l.entry].display_name();
                o.section = catalog.entries[l.entry].section();
            }
            occurrences[i].push_back(std::move(o));
        }
        release(catalog.targets[i].occurrences);
    }
    s.findings.reserve(catalog.findings.size() + outcome.findings.size());
    for (Finding& f : catalog.findings) {
        FindingRecord r{std::string(to_string(f.kind)), std::string(to_string(f.severity)), std::move(f.message), f.line,
                        std::move(f.url), f.entry != no_index ? catalog.entries[f.entry].display_name() : "", ""};
        s.findings.push_back(std::move(r));
    }
    std::move(outcome.findings.begin(), outcome.findings.end(), std::back_inserter(s.findings));
    release(catalog.findings);
    release(catalog.links);
    release(catalog.entries);
    release(catalog.headings);

    s.targets.reserve(catalog.targets.size());
    for (std::size_t i = 0; i < catalog.targets.size(); ++i) {
        Target& target = catalog.targets[i];
        TargetRecord t;
        t.url = std::move(target.url);
        t.kind = std::string(to_string(target.kind));
        t.result = std::move(outcome.results[i]);
        if (t.result.url != t.url) t.checked_url = std::move(t.result.url);
        // It only repeats url or checked_url (see TargetRecord::result).
        std::string().swap(t.result.url);
        t.remapped_by = std::move(outcome.remapped_by[i]);
        t.occurrences = std::move(occurrences[i]);
        if (i < outcome.repos.size()) {
            t.repo = std::move(outcome.repos[i]);
            t.paper = std::move(outcome.papers[i]);
            t.hub = std::move(outcome.hubs[i]);
            t.archive_url = std::move(outcome.archive_urls[i]);
        }
        if (const TargetRecord* before = before_by_url.find(t.url)) {
            t.history = before->history;
            t.consecutive_failures = before->consecutive_failures;
            t.first_failed_at = before->first_failed_at;
        }
        t.history.push_back(HistoryPoint{inputs.generated_at, t.result.verdict, t.result.http_status, t.result.error});
        keep_last(t.history, policy.keep_runs);
        const Verdict v = t.result.verdict;
        if (is_failure(v)) {
            if (t.consecutive_failures == 0) t.first_failed_at = inputs.generated_at;
            ++t.consecutive_failures;
        } else if (v == Verdict::ok || v == Verdict::moved) {
            t.consecutive_failures = 0;
            t.first_failed_at.clear();
        }  // blocked, skipped, malformed: says nothing about the link; the count stands
        t.confirmed = is_failure(v) &&
                      (t.consecutive_failures >= policy.confirm_after || confirms_at_once(t.result, policy.confirm_at_once));
        s.targets.push_back(std::move(t));
    }
    release(occurrences);
    release(outcome.results);
    release(outcome.remapped_by);
    release(outcome.repos);
    release(outcome.papers);
    release(outcome.hubs);
    release(outcome.archive_urls);
    release(catalog.targets);
    s.suggestions = std::move(outcome.suggestions);
    s.api = outcome.api;
    s.warnings = std::move(outcome.warnings);

    if (previous) s.runs = previous->runs;
    RunPoint point{inputs.generated_at, 0, 0, 0, 0, 0, 0};
    for (const auto& t : s.targets) {
        switch (t.result.verdict) {
            case Verdict::ok: ++point.ok; break;
            case Verdict::moved: ++point.moved; break;
            case Verdict::dead: ++point.dead; break;
            case Verdict::error: ++point.error; break;
            case Verdict::blocked: ++point.blocked; break;
            default: ++point.skipped; break;
        }
    }
    s.runs.push_back(point);
    keep_last(s.runs, policy.keep_runs);
    return s;
}

// ---------------------------------------------------------------- serialization

namespace {

void write_result(JsonWriter& w, const CheckResult& r) {
    w.field("verdict", to_string(r.verdict)).field("checked_by", r.checked_by);
    w.field("http_status", static_cast<std::int64_t>(r.http_status));
    w.field("final_url", mask_credentials(r.final_url));
    w.key("redirects").begin_array();
    for (const auto& hop : r.redirects)
        w.begin_object().field("url", mask_credentials(hop.url)).field("status", static_cast<std::int64_t>(hop.status)).end_object();
    w.end_array();
    w.field("attempts", r.attempts).field("retries", r.retries).field("rate_limited", r.rate_limited);
    w.field("method", r.method).field("transport_error", to_string(r.transport));
    w.field("error", r.error).field("elapsed_ms", static_cast<std::int64_t>(r.elapsed.count()));
}

void write_repo(JsonWriter& w, const RepoMeta& m) {
    w.key("github").begin_object();
    w.field("name_with_owner", m.name_with_owner).field("url", m.url).field("stars", m.stars);
    w.field("pushed_at", m.pushed_at).field("last_commit_at", m.last_commit_at).field("license", m.license);
    w.field("archived", m.archived).field("disabled", m.disabled).field("fork", m.fork);
    w.field("stale_copy", m.stale_copy).field("etag", m.etag).field("fetched_at", m.fetched_at);
    w.end_object();
}

void write_paper(JsonWriter& w, const PaperMeta& m) {
    w.key("arxiv").begin_object();
    w.field("id", m.id).field("title", m.title).field("latest_version", m.latest_version);
    w.key("authors").begin_array();
    for (const auto& a : m.authors) w.value(a);
    w.end_array();
    w.field("published", m.published).field("updated", m.updated).field("journal_ref", m.journal_ref);
    w.field("comment", m.comment).field("doi", m.doi).field("primary_category", m.primary_category);
    w.field("inferred_venue", m.inferred_venue).field("inferred_year", m.inferred_year);
    w.field("venue_evidence", m.venue_evidence).field("fetched_at", m.fetched_at);
    w.end_object();
}

void write_hub(JsonWriter& w, const HubMeta& m) {
    w.key("huggingface").begin_object();
    w.field("id", m.id).field("likes", m.likes).field("downloads", m.downloads).field("models", m.models);
    w.field("last_modified", m.last_modified).field("gated", m.gated).field("fetched_at", m.fetched_at);
    w.end_object();
}

}  // namespace

std::string snapshot_to_json(const Snapshot& s) {
    return collect_text([&](TextSink& out) { write_snapshot_json(s, out); });
}

void write_snapshot_json(const Snapshot& s, TextSink& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("schema_version", s.schema_version).field("tool", s.tool).field("generated_at", s.generated_at);
    w.field("duration_ms", s.duration_ms);
    w.key("list").begin_object().field("source", mask_credentials(s.list_source)).field("sha256", s.list_sha256);
    w.field("entries", s.entries.size()).field("targets", s.targets.size()).end_object();
    w.field("config_digest", s.config_digest);
    w.key("summary").begin_object();
    for (Verdict v : {Verdict::ok, Verdict::moved, Verdict::dead, Verdict::error, Verdict::blocked, Verdict::malformed,
                      Verdict::skipped})
        w.field(to_string(v), s.count(v));
    w.field("requests", s.requests).field("retries", s.retries).field("rate_limited", s.rate_limited);
    w.end_object();

    w.key("entries").begin_array();
    for (const auto& e : s.entries) {
        w.begin_object().field("section", e.section).field("abbreviation", e.abbreviation).field("title", e.title);
        w.field("venue", e.venue).field("year", e.year).field("line", e.line);
        w.key("urls").begin_array();
        for (const auto& u : e.urls) w.value(mask_credentials(u));
        w.end_array().end_object();
    }
    w.end_array();

    w.key("targets").begin_array();
    for (const auto& t : s.targets) {
        w.begin_object().field("url", mask_credentials(t.url)).field("kind", t.kind);
        if (!t.checked_url.empty()) w.field("checked_url", mask_credentials(t.checked_url));
        if (!t.remapped_by.empty()) w.field("remapped_by", t.remapped_by);
        write_result(w, t.result);
        w.field("consecutive_failures", t.consecutive_failures).field("first_failed_at", t.first_failed_at);
        w.field("confirmed", t.confirmed);
        if (!t.archive_url.empty()) w.field("archive_url", t.archive_url);
        w.key("occurrences").begin_array();
        for (const auto& o : t.occurrences) {
            w.begin_object().field("line", o.line).field("column", o.column).field("role", o.role);
            w.field("entry", o.entry).field("section", o.section).end_object();
        }
        w.end_array();
        w.key("history").begin_array();
        for (const auto& h : t.history) {
            w.begin_object().field("at", h.at).field("verdict", to_string(h.verdict));
            w.field("http_status", static_cast<std::int64_t>(h.http_status)).field("error", h.error).end_object();
        }
        w.end_array();
        if (t.repo || t.paper || t.hub) {
            w.key("metadata").begin_object();
            if (t.repo) write_repo(w, *t.repo);
            if (t.paper) write_paper(w, *t.paper);
            if (t.hub) write_hub(w, *t.hub);
            w.end_object();
        }
        w.end_object();
    }
    w.end_array();

    w.key("findings").begin_array();
    for (const auto& f : s.findings) {
        w.begin_object().field("kind", f.kind).field("severity", f.severity).field("message", f.message);
        w.field("line", f.line).field("url", mask_credentials(f.url)).field("entry", f.entry);
        w.field("evidence", f.evidence).end_object();
    }
    w.end_array();

    w.key("suggestions").begin_array();
    for (const auto& g : s.suggestions) {
        w.begin_object().field("entry", g.entry).field("line", g.line).field("url", mask_credentials(g.url));
        w.field("evidence", g.evidence).end_object();
    }
    w.end_array();

    w.key("api").begin_object();
    w.field("github_graphql_requests", s.api.github_graphql_requests).field("github_rest_requests", s.api.github_rest_requests);
    w.field("github_not_modified", s.api.github_not_modified).field("github_repositories", s.api.github_repositories);
    w.field("arxiv_requests", s.api.arxiv_requests).field("arxiv_ids", s.api.arxiv_ids);
    w.field("arxiv_min_spacing_ms", s.api.arxiv_min_spacing_ms);
    w.field("huggingface_requests", s.api.huggingface_requests).field("wayback_requests", s.api.wayback_requests);
    w.end_object();

    w.key("warnings").begin_array();
    for (const auto& warning : s.warnings) w.value(warning);
    w.end_array();

    w.key("hosts").begin_array();
    for (const auto& h : s.hosts) {
        w.begin_object().field("host", h.host).field("targets", h.targets);
        w.field("requests", static_cast<std::int64_t>(h.requests)).field("peak_in_flight", h.peak_in_flight);
        w.field("rate_limited", static_cast<std::int64_t>(h.rate_limited));
        w.field("slowest_ms", static_cast<std::int64_t>(h.slowest.count()));
        w.field("connection_failures", h.connection_failures).end_object();
    }
    w.end_array();

    w.key("runs").begin_array();
    for (const auto& r : s.runs) {
        w.begin_object().field("at", r.at).field("ok", r.ok).field("moved", r.moved).field("dead", r.dead);
        w.field("error", r.error).field("blocked", r.blocked).field("skipped", r.skipped).end_object();
    }
    w.end_array();
    w.end_object();
    w.finish();
}

// ---------------------------------------------------------------- loading

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Reads fields with type checks; the first problem is kept and reported with its path.
class Reader {
public:
    explicit Reader(std::string name) : name_(std::move(name)) {}

    std::string str(element e, std::string_view key, std::string_view where) {
        std::string_view v;
        const auto field = e[key];
        if (field.error() == simdjson::NO_SUCH_FIELD) return {};
        if (field.get(v) != simdjson::SUCCESS) fail(where, key, "a string");
        return std::string(v);
    }
    std::int64_t num(element e, std::string_view key, std::string_view where) {
        std::int64_t v = 0;
        const auto field = e[key];
        if (field.error() == simdjson::NO_SUCH_FIELD) return 0;
        if (field.get(v) != simdjson::SUCCESS) {
            std::uint64_t u = 0;
            if (field.get(u) == simdjson::SUCCESS) return static_cast<std::int64_t>(u);
            fail(where, key, "an integer");
        }
        return v;
    }
    bool flag(element e, std::string_view key, std::string_view where) {
        bool v = false;
        const auto field = e[key];
        if (field.error() == simdjson::NO_SUCH_FIELD) return false;
        if (field.get(v) != simdjson::SUCCESS) fail(where, key, "a boolean");
        return v;
    }
    // The elements of an array field; none when it is absent (a default dom::array must
    // not be iterated, so the elements are copied out).
    std::vector<element> arr(element e, std::string_view key, std::string_view where) {
        std::vector<element> out;
        simdjson::dom::array a;
        const auto field = e[key];
        if (field.error() == simdjson::NO_SUCH_FIELD) return out;
        if (field.get(a) != simdjson::SUCCESS) {
            fail(where, key, "an array");
            return out;
        }
        for (element x : a) out.push_back(x);
        return out;
    }
    void fail(std::string_view where, std::string_view key, std::string_view expected) {
        if (problem_.empty()) problem_ = fmt::format("{}.{}: expected {}", where, key, expected);
    }
    const std::string& problem() const { return problem_; }

private:
    std::string name_;
    std::string problem_;
};

Verdict verdict_from(std::string_view s, bool& ok) {
    for (Verdict v : {Verdict::ok, Verdict::moved, Verdict::dead, Verdict::error, Verdict::blocked, Verdict::malformed,
                      Verdict::skipped})
        if (to_string(v) == s) return v;
    ok = false;
    return Verdict::error;
}

TransportError transport_from(std::string_view s) {
    for (TransportError e : {TransportError::none, TransportError::dns, TransportError::connect, TransportError::tls,
                             TransportError::timeout, TransportError::protocol, TransportError::too_large_headers,
                             TransportError::send, TransportError::receive, TransportError::url, TransportError::other})
        if (to_string(e) == s) return e;
    return TransportError::other;
}

}  // namespace

namespace {

Error snapshot_error(const std::string& name, std::string message) {
    return Error{ErrorKind::input, std::move(message), {name, 0, 0},
                 "the file was left as it is; move it away to start a new history"};
}

// The snapshot in a parsed document.
Result<Snapshot> snapshot_of(simdjson::simdjson_result<element> parsed, const std::string& name) {
    const auto fail = [&](std::string message) { return snapshot_error(name, std::move(message)); };
    element root;
    if (const auto error = std::move(parsed).get(root); error != simdjson::SUCCESS)
        return fail(fmt::format("not a valid snapshot: {} (corrupt or truncated JSON)", simdjson::error_message(error)));
    if (!root.is_object()) return fail("not a valid snapshot: the document is not a JSON object");
    Reader rd(name);
    Snapshot s;
    const std::int64_t version = rd.num(root, "schema_version", "snapshot");
    if (version <= 0) return fail("not a snapshot: no schema_version");
    if (version > snapshot_schema_version)
        return fail(fmt::format("written by a newer awesome-health (schema_version {}, this version reads up to {})",
                                version, snapshot_schema_version));
    s.schema_version = static_cast<int>(version);
    s.tool = rd.str(root, "tool", "snapshot");
    s.generated_at = rd.str(root, "generated_at", "snapshot");
    s.duration_ms = rd.num(root, "duration_ms", "snapshot");
    s.config_digest = rd.str(root, "config_digest", "snapshot");
    if (element list; root["list"].get(list) == simdjson::SUCCESS) {
        s.list_source = rd.str(list, "source", "list");
        s.list_sha256 = rd.str(list, "sha256", "list");
    }
    for (element e : rd.arr(root, "entries", "snapshot")) {
        EntryRecord r;
        r.section = rd.str(e, "section", "entries[]");
        r.abbreviation = rd.str(e, "abbreviation", "entries[]");
        r.title = rd.str(e, "title", "entries[]");
        r.venue = rd.str(e, "venue", "entries[]");
        r.year = static_cast<int>(rd.num(e, "year", "entries[]"));
        r.line = static_cast<int>(rd.num(e, "line", "entries[]"));
        for (element u : rd.arr(e, "urls", "entries[]")) {
            std::string_view v;
            if (u.get(v) == simdjson::SUCCESS) r.urls.emplace_back(v);
        }
        s.entries.push_back(std::move(r));
    }
    for (element e : rd.arr(root, "targets", "snapshot")) {
        TargetRecord t;
        t.url = rd.str(e, "url", "targets[]");
        if (t.url.empty()) return fail("not a valid snapshot: a target without a url");
        t.kind = rd.str(e, "kind", "targets[]");
        t.checked_url = rd.str(e, "checked_url", "targets[]");
        t.remapped_by = rd.str(e, "remapped_by", "targets[]");
        bool known = true;
        t.result.verdict = verdict_from(rd.str(e, "verdict", "targets[]"), known);
        if (!known) return fail(fmt::format("not a valid snapshot: unknown verdict for {}", t.url));
        t.result.checked_by = rd.str(e, "checked_by", "targets[]");
        t.result.http_status = rd.num(e, "http_status", "targets[]");
        t.result.final_url = rd.str(e, "final_url", "targets[]");
        t.result.attempts = static_cast<int>(rd.num(e, "attempts", "targets[]"));
        t.result.retries = static_cast<int>(rd.num(e, "retries", "targets[]"));
        t.result.method = rd.str(e, "method", "targets[]");
        t.result.transport = transport_from(rd.str(e, "transport_error", "targets[]"));
        t.result.error = rd.str(e, "error", "targets[]");
        t.result.elapsed = std::chrono::milliseconds(rd.num(e, "elapsed_ms", "targets[]"));
        for (element h : rd.arr(e, "redirects", "targets[]"))
            t.result.redirects.push_back(RedirectHop{rd.str(h, "url", "redirects[]"), rd.num(h, "status", "redirects[]")});
        t.consecutive_failures = static_cast<int>(rd.num(e, "consecutive_failures", "targets[]"));
        t.first_failed_at = rd.str(e, "first_failed_at", "targets[]");
        t.confirmed = rd.flag(e, "confirmed", "targets[]");
        t.archive_url = rd.str(e, "archive_url", "targets[]");
        for (element o : rd.arr(e, "occurrences", "targets[]"))
            t.occurrences.push_back(Occurrence{static_cast<int>(rd.num(o, "line", "occurrences[]")),
                                               static_cast<int>(rd.num(o, "column", "occurrences[]")),
                                               rd.str(o, "role", "occurrences[]"), rd.str(o, "entry", "occurrences[]"),
                                               rd.str(o, "section", "occurrences[]")});
        for (element h : rd.arr(e, "history", "targets[]")) {
            HistoryPoint p;
            p.at = rd.str(h, "at", "history[]");
            bool ok = true;
            p.verdict = verdict_from(rd.str(h, "verdict", "history[]"), ok);
            if (!ok) return fail(fmt::format("not a valid snapshot: unknown verdict in the history of {}", t.url));
            p.http_status = rd.num(h, "http_status", "history[]");
            p.error = rd.str(h, "error", "history[]");
            t.history.push_back(std::move(p));
        }
        if (element meta; e["metadata"].get(meta) == simdjson::SUCCESS) {
            if (element g; meta["github"].get(g) == simdjson::SUCCESS) {
                RepoMeta m;
                m.name_with_owner = rd.str(g, "name_with_owner", "github");
                m.url = rd.str(g, "url", "github");
                m.stars = rd.num(g, "stars", "github");
                m.pushed_at = rd.str(g, "pushed_at", "github");
                m.last_commit_at = rd.str(g, "last_commit_at", "github");
                m.license = rd.str(g, "license", "github");
                m.archived = rd.flag(g, "archived", "github");
                m.disabled = rd.flag(g, "disabled", "github");
                m.fork = rd.flag(g, "fork", "github");
                m.stale_copy = rd.flag(g, "stale_copy", "github");
                m.etag = rd.str(g, "etag", "github");
                m.fetched_at = rd.str(g, "fetched_at", "github");
                t.repo = std::move(m);
            }
            if (element a; meta["arxiv"].get(a) == simdjson::SUCCESS) {
                PaperMeta m;
                m.id = rd.str(a, "id", "arxiv");
                m.title = rd.str(a, "title", "arxiv");
                m.latest_version = static_cast<int>(rd.num(a, "latest_version", "arxiv"));
                for (element au : rd.arr(a, "authors", "arxiv")) {
                    std::string_view v;
                    if (au.get(v) == simdjson::SUCCESS) m.authors.emplace_back(v);
                }
                m.published = rd.str(a, "published", "arxiv");
                m.updated = rd.str(a, "updated", "arxiv");
                m.journal_ref = rd.str(a, "journal_ref", "arxiv");
                m.comment = rd.str(a, "comment", "arxiv");
                m.doi = rd.str(a, "doi", "arxiv");
                m.primary_category = rd.str(a, "primary_category", "arxiv");
                m.inferred_venue = rd.str(a, "inferred_venue", "arxiv");
                m.inferred_year = static_cast<int>(rd.num(a, "inferred_year", "arxiv"));
                m.venue_evidence = rd.str(a, "venue_evidence", "arxiv");
                m.fetched_at = rd.str(a, "fetched_at", "arxiv");
                t.paper = std::move(m);
            }
            if (element h; meta["huggingface"].get(h) == simdjson::SUCCESS) {
                HubMeta m;
                m.id = rd.str(h, "id", "huggingface");
                m.likes = rd.num(h, "likes", "huggingface");
                m.downloads = rd.num(h, "downloads", "huggingface");
                m.models = rd.num(h, "models", "huggingface");
                m.last_modified = rd.str(h, "last_modified", "huggingface");
                m.gated = rd.flag(h, "gated", "huggingface");
                m.fetched_at = rd.str(h, "fetched_at", "huggingface");
                t.hub = std::move(m);
            }
        }
        s.targets.push_back(std::move(t));
    }
    for (element e : rd.arr(root, "findings", "snapshot")) {
        s.findings.push_back(FindingRecord{rd.str(e, "kind", "findings[]"), rd.str(e, "severity", "findings[]"),
                                           rd.str(e, "message", "findings[]"), static_cast<int>(rd.num(e, "line", "findings[]")),
                                           rd.str(e, "url", "findings[]"), rd.str(e, "entry", "findings[]"),
                                           rd.str(e, "evidence", "findings[]")});
    }
    for (element e : rd.arr(root, "suggestions", "snapshot"))
        s.suggestions.push_back(Suggestion{rd.str(e, "entry", "suggestions[]"),
                                           static_cast<int>(rd.num(e, "line", "suggestions[]")),
                                           rd.str(e, "url", "suggestions[]"), rd.str(e, "evidence", "suggestions[]")});
    if (element api; root["api"].get(api) == simdjson::SUCCESS) {
        s.api.github_graphql_requests = static_cast<int>(rd.num(api, "github_graphql_requests", "api"));
        s.api.github_rest_requests = static_cast<int>(rd.num(api, "github_rest_requests", "api"));
        s.api.github_not_modified = static_cast<int>(rd.num(api, "github_not_modified", "api"));
        s.api.github_repositories = static_cast<int>(rd.num(api, "github_repositories", "api"));
        s.api.arxiv_requests = static_cast<int>(rd.num(api, "arxiv_requests", "api"));
        s.api.arxiv_ids = static_cast<int>(rd.num(api, "arxiv_ids", "api"));
        s.api.arxiv_min_spacing_ms = rd.num(api, "arxiv_min_spacing_ms", "api");
        s.api.huggingface_requests = static_cast<int>(rd.num(api, "huggingface_requests", "api"));
        s.api.wayback_requests = static_cast<int>(rd.num(api, "wayback_requests", "api"));
    }
    for (element e : rd.arr(root, "warnings", "snapshot")) {
        std::string_view v;
        if (e.get(v) == simdjson::SUCCESS) s.warnings.emplace_back(v);
    }
    for (element e : rd.arr(root, "hosts", "snapshot")) {
        HostSummary h;
        h.host = rd.str(e, "host", "hosts[]");
        h.targets = static_cast<std::size_t>(rd.num(e, "targets", "hosts[]"));
        h.requests = static_cast<std::uint64_t>(rd.num(e, "requests", "hosts[]"));
        h.peak_in_flight = static_cast<int>(rd.num(e, "peak_in_flight", "hosts[]"));
        h.rate_limited = static_cast<std::uint64_t>(rd.num(e, "rate_limited", "hosts[]"));
        h.slowest = std::chrono::milliseconds(rd.num(e, "slowest_ms", "hosts[]"));
        h.connection_failures = static_cast<std::size_t>(rd.num(e, "connection_failures", "hosts[]"));
        s.hosts.push_back(std::move(h));
    }
    if (element summary; root["summary"].get(summary) == simdjson::SUCCESS) {
        s.requests = static_cast<std::size_t>(rd.num(summary, "requests", "summary"));
        s.retries = static_cast<std::size_t>(rd.num(summary, "retries", "summary"));
        s.rate_limited = static_cast<std::size_t>(rd.num(summary, "rate_limited", "summary"));
    }
    for (element e : rd.arr(root, "runs", "snapshot")) {
        RunPoint p;
        p.at = rd.str(e, "at", "runs[]");
        p.ok = static_cast<std::size_t>(rd.num(e, "ok", "runs[]"));
        p.moved = static_cast<std::size_t>(rd.num(e, "moved", "runs[]"));
        p.dead = static_cast<std::size_t>(rd.num(e, "dead", "runs[]"));
        p.error = static_cast<std::size_t>(rd.num(e, "error", "runs[]"));
        p.blocked = static_cast<std::size_t>(rd.num(e, "blocked", "runs[]"));
        p.skipped = static_cast<std::size_t>(rd.num(e, "skipped", "runs[]"));
        s.runs.push_back(std::move(p));
    }
    if (!rd.problem().empty()) return fail("not a valid snapshot: " + rd.problem());
    return s;
}

}  // namespace

Result<Snapshot> parse_snapshot(std::string_view json, const std::string& name) {
    simdjson::dom::parser parser;
    return snapshot_of(parser.parse(json.data(), json.size()), name);
}

Result<Snapshot> load_snapshot(const std::string& path) {
    // Read once, straight into simdjson's padded buffer: health.json is about 1 KB a target
    // (115 MB at 100,000 links), and a string stream, its copy and the parser's own padded
    // copy held four times that while it was read.
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Error{ErrorKind::input, "no such file", {path, 0, 0}, ""};
    if (std::filesystem::is_directory(path, ec))
        return Error{ErrorKind::input, "is a directory (expected a health.json)", {path, 0, 0}, ""};
    simdjson::padded_string json;
    if (const auto error = simdjson::padded_string::load(path).get(json); error != simdjson::SUCCESS)
        return Error{ErrorKind::input, fmt::format("cannot read: {}", simdjson::error_message(error)), {path, 0, 0}, ""};
    simdjson::dom::parser parser;
    return snapshot_of(parser.parse(json), path);
}

}  // namespace ah
