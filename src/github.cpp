// GitHub repository metadata over GraphQL (token) or conditional REST (no token); see github.h.
#include "ah/github.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <deque>
#include <set>

#include <fmt/format.h>

#include "ah/http.h"
#include "ah/json_writer.h"
#include "net/http_engine.h"
#include "retry.h"
#include "text_util.h"

namespace ah {

namespace {

// GitHub's answers are a few KiB per repository; a 50-repository batch stays far below.
constexpr std::size_t github_body_cap = 8 * 1024 * 1024;
// Redirects followed for one request, on the API host only.
constexpr int max_api_redirects = 3;
// GitHub's advice for a secondary rate limit that names no wait: "at least one minute".
constexpr std::chrono::seconds secondary_limit_default_wait{60};

constexpr std::string_view repo_fields =
    "nameWithOwner url stargazerCount pushedAt isArchived isDisabled isFork "
    "licenseInfo { spdxId } "
    "defaultBranchRef { target { ... on Commit { committedDate } } }";

struct OwnerName {
    std::string_view owner, name;
};

OwnerName split_repo(std::string_view listed) {
    const auto slash = listed.find('/');
    if (slash == std::string_view::npos) return {listed, {}};
    return {listed.substr(0, slash), listed.substr(slash + 1)};
}

bool valid_part(std::string_view part) {
    if (part.empty() || part.size() > 100 || part == "." || part == "..") return false;
    return std::all_of(part.begin(), part.end(), [](char c) {
        return text::is_alnum(c) || c == '-' || c == '_' || c == '.';
    });
}

// ---- JSON helpers over simdjson's DOM: missing or mistyped fields read as empty ----

std::string string_field(simdjson::dom::element e, std::string_view key) {
    std::string_view v;
    if (e[key].get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}

bool bool_field(simdjson::dom::element e, std::string_view key) {
    bool v = false;
    if (e[key].get(v) == simdjson::SUCCESS) return v;
    return false;
}

std::int64_t int_field(simdjson::dom::element e, std::string_view key) {
    std::int64_t v = 0;
    if (e[key].get(v) == simdjson::SUCCESS) return v;
    return 0;
}

std::optional<int> optional_int_field(simdjson::dom::element e, std::string_view key) {
    std::int64_t v = 0;
    if (e[key].get(v) != simdjson::SUCCESS) return std::nullopt;
    return static_cast<int>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX));
}

// One `repository` node of the GraphQL answer.
RepoInfo repo_from_graphql(simdjson::dom::element node, const std::string& listed) {
    RepoInfo info;
    info.listed = listed;
    info.exists = true;
    info.name_with_owner = string_field(node, "nameWithOwner");
    info.url = string_field(node, "url");
    info.stars = int_field(node, "stargazerCount");
    info.pushed_at = string_field(node, "pushedAt");
    info.archived = bool_field(node, "isArchived");
    info.disabled = bool_field(node, "isDisabled");
    info.fork = bool_field(node, "isFork");
    simdjson::dom::element license;
    if (node["licenseInfo"].get(license) == simdjson::SUCCESS)
        info.license = string_field(license, "spdxId");
    simdjson::dom::element target;
    if (node.at_pointer("/defaultBranchRef/target").get(target) == simdjson::SUCCESS)
        info.last_commit_at = string_field(target, "committedDate");
    return info;
}

// Index N of an alias "rN" naming one of `count` repositories.
std::optional<std::size_t> alias_index(std::string_view alias, std::size_t count) {
    if (alias.size() < 2 || alias[0] != 'r') return std::nullopt;
    std::size_t n = 0;
    const auto* end = alias.data() + alias.size();
    const auto [ptr, ec] = std::from_chars(alias.data() + 1, end, n);
    if (ec != std::errc() || ptr != end || n >= count) return std::nullopt;
    return n;
}

bool is_rate_limit_type(std::string_view type) {
    return type == "RATE_LIMITED" || type == "RATE_LIMIT";
}

// ---- time ----

std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view s) {
    std::tm tm{};
    const std::string copy(s);
    const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == nullptr) return std::nullopt;
    const std::time_t when = timegm(&tm);
    if (when == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(when);
}

std::string format_iso8601_utc(std::int64_t epoch_seconds) {
    const auto t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return {};
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

std::optional<std::int64_t> parse_int(std::string_view s) {
    s = text::trim(s);
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::chrono::seconds until(std::chrono::system_clock::time_point when) {
    const auto delta = when - std::chrono::system_clock::now();
    if (delta <= std::chrono::seconds(0)) return std::chrono::seconds(0);
    return std::chrono::ceil<std::chrono::seconds>(delta);
}

// ---- URLs ----

// "scheme://host:port" lower-cased with the default port made explicit; "" when the URL
// is not absolute http(s) or carries credentials (never treated as the API host).
std::string origin_of(std::string_view url) {
    const auto colon = url.find("://");
    if (colon == std::string_view::npos) return {};
    const std::string scheme = text::to_lower(url.substr(0, colon));
    if (scheme != "http" && scheme != "https") return {};
    std::string_view rest = url.substr(colon + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (rest.empty() || rest.find('@') != std::string_view::npos) return {};
    std::string authority = text::to_lower(rest);
    const auto port_colon = authority.rfind(':');
    const auto bracket = authority.rfind(']');
    const bool has_port =
        port_colon != std::string::npos && (bracket == std::string::npos || port_colon > bracket);
    if (!has_port) authority += scheme == "https" ? ":443" : ":80";
    return scheme + "://" + authority;
}

std::string trim_trailing_slash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

// ---- HTTP answers ----

std::string describe_transport(const HttpResponse& r) {
    return fmt::format("{} ({})", to_string(r.error),
                       r.error_message.empty() ? "no detail" : r.error_message);
}

bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// 429, or a 403 that is GitHub's primary or secondary rate limit rather than a refusal.
bool is_rate_limit_answer(const HttpResponse& r) {
    if (r.status == 429) return true;
    if (r.status != 403) return false;
    if (r.header("retry-after")) return true;
    if (const auto remaining = r.header("x-ratelimit-remaining");
        remaining && parse_int(*remaining) == 0)
        return true;
    return text::icontains(r.body, "rate limit");
}

// How long GitHub asks us to wait: Retry-After, else x-ratelimit-reset (epoch seconds),
// else a GraphQL resetAt; for a 403/429 that names no wait, GitHub's advice of one minute.
std::optional<std::chrono::seconds> rate_limit_wait(const HttpResponse& r,
                                                    std::string_view reset_at) {
    if (const auto retry_after = r.header("retry-after")) {
        if (auto wait = parse_retry_after(*retry_after, std::chrono::system_clock::now()))
            return wait;
    }
    if (const auto reset = r.header("x-ratelimit-reset")) {
        if (const auto epoch = parse_int(*reset))
            return until(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(*epoch)));
    }
    if (!reset_at.empty()) {
        if (const auto when = parse_iso8601_utc(reset_at)) return until(*when);
    }
    if (r.status == 403 || r.status == 429) return secondary_limit_default_wait;
    return std::nullopt;
}

// The message of a GitHub error body ({"message": ...}), for errors shown to people.
std::string api_message(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) return {};
    std::string message = string_field(doc, "message");
    if (message.size() > 200) message.resize(200);
    return message;
}

std::string http_error(const HttpResponse& r) {
    const std::string message = api_message(r.body);
    if (message.empty()) return fmt::format("GitHub API answered HTTP {}", r.status);
    return fmt::format("GitHub API answered HTTP {}: {}", r.status, message);
}

}  // namespace

// ---- pure functions ----

bool RepoInfo::renamed() const {
    return !name_with_owner.empty() && !text::iequals(name_with_owner, listed);
}

std::string github_repo_key(std::string_view listed) {
    return text::to_lower(listed);
}

bool is_github_repo_name(std::string_view listed) {
    const auto slash = listed.find('/');
    if (slash == std::string_view::npos) return false;
    const auto [owner, name] = split_repo(listed);
    return valid_part(owner) && valid_part(name) && name.find('/') == std::string_view::npos;
}

std::string build_graphql_query(const std::vector<std::string>& repos) {
    std::string q = "query AwesomeHealthRepos(";
    for (std::size_t i = 0; i < repos.size(); ++i)
        q += fmt::format("{}$o{}: String!, $n{}: String!", i == 0 ? "" : ", ", i, i);
    q += ") {\n";
    for (std::size_t i = 0; i < repos.size(); ++i)
        q += fmt::format("  r{}: repository(owner: $o{}, name: $n{}) {{ ...repo }}\n", i, i, i);
    q += "  rateLimit { cost remaining resetAt }\n}\n";
    q += fmt::format("fragment repo on Repository {{ {} }}\n", repo_fields);
    if (repos.empty()) {
        // A query may not declare an empty variable list.
        q = fmt::format(
            "query AwesomeHealthRepos {{\n  rateLimit {{ cost remaining resetAt }}\n}}\n");
    }
    return q;
}

std::string build_graphql_body(const std::vector<std::string>& repos) {
    std::string body = "{\"query\": ";
    append_json_string(body, build_graphql_query(repos));
    body += ", \"variables\": {";
    for (std::size_t i = 0; i < repos.size(); ++i) {
        const auto [owner, name] = split_repo(repos[i]);
        body += fmt::format("{}\"o{}\": ", i == 0 ? "" : ", ", i);
        append_json_string(body, owner);
        body += fmt::format(", \"n{}\": ", i);
        append_json_string(body, name);
    }
    body += "}}";
    return body;
}

GraphqlBatchResult parse_graphql_response(std::string_view json,
                                          const std::vector<std::string>& repos) {
    GraphqlBatchResult result;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const auto parsed = parser.parse(json.data(), json.size()).get(doc);
    if (parsed != simdjson::SUCCESS || !doc.is_object()) {
        result.error = parsed != simdjson::SUCCESS
                           ? fmt::format("GitHub GraphQL answer is not JSON ({})",
                                         simdjson::error_message(parsed))
                           : "GitHub GraphQL answer is not a JSON object";
    }

    // What the errors array says, per alias and for the answer as a whole.
    std::vector<bool> not_found(repos.size(), false);
    std::vector<std::string> repo_error(repos.size());
    simdjson::dom::array errors;
    if (result.error.empty() && doc["errors"].get(errors) == simdjson::SUCCESS) {
        for (simdjson::dom::element e : errors) {
            const std::string type = string_field(e, "type");
            std::string message = string_field(e, "message");
            if (message.empty()) message = type.empty() ? "unknown GraphQL error" : type;
            if (is_rate_limit_type(type)) {
                result.rate_limited = true;
                continue;
            }
            std::string_view first;
            simdjson::dom::array path;
            std::optional<std::size_t> index;
            if (e["path"].get(path) == simdjson::SUCCESS && path.size() > 0 &&
                path.at(0).get(first) == simdjson::SUCCESS)
                index = alias_index(first, repos.size());
            if (!index) {
                if (result.error.empty()) result.error = "GitHub GraphQL error: " + message;
                continue;
            }
            // Only an error on the repository field itself decides "not found"; a nested
            // one (path ["r2", "defaultBranchRef"]) leaves the repository's data standing.
            if (type == "NOT_FOUND" && path.size() == 1)
                not_found[*index] = true;
            else if (repo_error[*index].empty())
                repo_error[*index] = "GitHub GraphQL error: " + message;
        }
    }

    simdjson::dom::element data;
    const bool has_data =
        result.error.empty() && doc["data"].get(data) == simdjson::SUCCESS && data.is_object();
    if (has_data) {
        simdjson::dom::element rate;
        if (data["rateLimit"].get(rate) == simdjson::SUCCESS && rate.is_object()) {
            result.remaining = optional_int_field(rate, "remaining");
            result.reset_at = string_field(rate, "resetAt");
        }
    }

    for (std::size_t i = 0; i < repos.size(); ++i) {
        const std::string& listed = repos[i];
        simdjson::dom::element node;
        RepoInfo info;
        if (has_data && data[fmt::format("r{}", i)].get(node) == simdjson::SUCCESS &&
            node.is_object()) {
            info = repo_from_graphql(node, listed);
        } else {
            info.listed = listed;
            if (not_found[i])
                ;  // exists = false, no error: the repository is gone
            else if (!repo_error[i].empty())
                info.error = repo_error[i];
            else if (result.rate_limited)
                info.error = "not checked: GitHub rate limit";
            else if (!result.error.empty())
                info.error = result.error;
            else
                info.error = "GitHub GraphQL answer has no data for this repository";
        }
        result.repos.insert_or_assign(github_repo_key(listed), std::move(info));
    }
    return result;
}

RepoInfo parse_rest_repo(std::string_view json, const std::string& listed) {
    RepoInfo info;
    info.listed = listed;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const auto parsed = parser.parse(json.data(), json.size()).get(doc);
    if (parsed != simdjson::SUCCESS) {
        info.error =
            fmt::format("GitHub REST answer is not JSON ({})", simdjson::error_message(parsed));
        return info;
    }
    info.name_with_owner = string_field(doc, "full_name");
    if (info.name_with_owner.empty()) {
        info.error = "GitHub REST answer has no full_name";
        return info;
    }
    info.exists = true;
    info.url = string_field(doc, "html_url");
    info.stars = int_field(doc, "stargazers_count");
    info.pushed_at = string_field(doc, "pushed_at");
    info.archived = bool_field(doc, "archived");
    info.disabled = bool_field(doc, "disabled");
    info.fork = bool_field(doc, "fork");
    simdjson::dom::element license;
    if (doc["license"].get(license) == simdjson::SUCCESS)
        info.license = string_field(license, "spdx_id");
    return info;
}

// ---- the client ----

// One lookup: its own copy of the settings, its queue, and what it has found so far.
// Callbacks hold it through shared_ptr and check the client's `alive` flag first.
struct GithubClient::Run : std::enable_shared_from_this<Run> {
    struct Batch {
        std::vector<std::size_t> items;  // indices into `names`
        int attempts = 0;                // retries used (5xx, transport, waited limits)
    };

    Run(boost::asio::io_context& io_context, net::HttpTransport& http, GithubSettings s,
        std::weak_ptr<bool> client_alive)
        : transport(http),
          settings(std::move(s)),
          alive(std::move(client_alive)),
          backoff(settings.retry_base, settings.retry_max, 0x6174),
          timer(io_context) {
        settings.api_url = trim_trailing_slash(settings.api_url);
        api_origin = origin_of(settings.api_url);
    }

    net::HttpTransport& transport;
    GithubSettings settings;
    std::weak_ptr<bool> alive;
    std::function<void(GithubLookup)> done;
    Backoff backoff;
    boost::asio::steady_timer timer;
    std::string api_origin;
    GithubLookup out;
    std::vector<std::string> names;  // unique listed names, first spelling wins
    std::vector<std::string> keys;   // github_repo_key(names[i])
    bool finished = false;
    std::string url;    // of the request in flight (changes when a redirect is followed)
    int redirects = 0;  // followed for the request in flight

    // GraphQL: batches still to answer, the front one in flight.
    std::deque<Batch> batches;
    // REST: indices into `names`, one request at a time.
    std::vector<std::size_t> rest_queue;
    std::size_t next = 0;  // position in rest_queue of the repository being looked up
    int attempts = 0;      // retries used for it

    const std::string& key(std::size_t i) const { return keys[i]; }

    void start(std::vector<std::string> repos) {
        std::set<std::string> seen;
        for (auto& r : repos) {
            std::string k = github_repo_key(r);
            if (!seen.insert(k).second) continue;
            keys.push_back(std::move(k));
            names.push_back(std::move(r));
        }
        std::vector<std::size_t> valid;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (is_github_repo_name(names[i])) {
                valid.push_back(i);
            } else {
                RepoInfo info;
                info.listed = names[i];
                info.error = "not a GitHub repository name (owner/name)";
                store(i, std::move(info));
            }
        }
        if (settings.token.empty()) {
            rest_queue = std::move(valid);
            next_rest();
        } else {
            const std::size_t size = static_cast<std::size_t>(std::max(1, settings.batch_size));
            for (std::size_t at = 0; at < valid.size(); at += size) {
                Batch b;
                b.items.assign(
                    valid.begin() + static_cast<std::ptrdiff_t>(at),
                    valid.begin() + static_cast<std::ptrdiff_t>(std::min(at + size, valid.size())));
                batches.push_back(std::move(b));
            }
            next_batch();
        }
    }

    void store(std::size_t i, RepoInfo info) {
        info.listed = names[i];
        out.repos.insert_or_assign(key(i), std::move(info));
    }

    // The previous run's metadata, marked as not refreshed; an error when there is none.
    void keep_previous(std::size_t i, const std::string& why) {
        const auto prev = settings.previous.find(key(i));
        if (prev != settings.previous.end() && prev->second.error.empty()) {
            RepoInfo info = prev->second;
            info.stale_copy = true;
            store(i, std::move(info));
        } else {
            RepoInfo info;
            info.error = "not checked: " + why;
            store(i, std::move(info));
        }
    }

    // Marks every repository not yet answered as kept from before; returns (kept, none).
    std::pair<int, int> keep_previous_for_unanswered(const std::string& why) {
        int kept = 0, none = 0;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (out.repos.count(key(i))) continue;
            keep_previous(i, why);
            (out.repos[key(i)].stale_copy ? kept : none)++;
        }
        return {kept, none};
    }

    void rate_limit_stop(bool rest) {
        const auto [kept, none] = keep_previous_for_unanswered("GitHub rate limit");
        std::string w = fmt::format(
            "GitHub {} rate limit reached{}: previous metadata kept for {} {}, {} not checked",
            rest ? "API" : "GraphQL",
            out.rate_reset_at.empty() ? "" : fmt::format(" (resets at {})", out.rate_reset_at),
            kept, kept == 1 ? "repository" : "repositories", none);
        if (rest) w += "; set GITHUB_TOKEN for a higher limit";
        out.warnings.push_back(std::move(w));
        finish();
    }

    void finish() {
        if (finished) return;
        finished = true;
        timer.cancel();
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (!out.repos.count(key(i))) {
                RepoInfo info;
                info.error = "not checked";
                store(i, std::move(info));
            }
        }
        // Belt and braces: nothing GitHub or curl said may echo the token back to people.
        if (!settings.token.empty()) {
            auto scrub = [&](std::string& s) {
                for (auto at = s.find(settings.token); at != std::string::npos;
                     at = s.find(settings.token))
                    s.replace(at, settings.token.size(), "***");
            };
            for (auto& [k, info] : out.repos) scrub(info.error);
            for (auto& w : out.warnings) scrub(w);
        }
        auto callback = std::move(done);
        callback(std::move(out));
    }

    bool dead() const { return alive.expired() || finished; }

    void after(std::chrono::milliseconds delay, std::function<void()> then) {
        timer.expires_after(delay);
        timer.async_wait([self = shared_from_this(),
                          then = std::move(then)](const boost::system::error_code& ec) {
            if (ec || self->dead()) return;
            then();
        });
    }

    void send(HttpRequest request, std::function<void(HttpResponse)> then) {
        request.timeout = settings.timeout;
        request.body_cap = github_body_cap;
        // The token goes to the configured API origin and nowhere else.
        if (!settings.token.empty() && origin_of(request.url) == api_origin && !api_origin.empty())
            request.headers.emplace_back("Authorization", "bearer " + settings.token);
        transport.start(std::move(request),
                        [self = shared_from_this(), then = std::move(then)](HttpResponse r) {
                            if (self->dead()) return;
                            then(std::move(r));
                        });
    }

    void note_rate_headers(const HttpResponse& r) {
        if (const auto remaining = r.header("x-ratelimit-remaining")) {
            if (const auto n = parse_int(*remaining))
                out.rate_remaining = static_cast<int>(std::clamp<std::int64_t>(*n, 0, INT32_MAX));
        }
        if (const auto reset = r.header("x-ratelimit-reset")) {
            if (const auto epoch = parse_int(*reset))
                out.rate_reset_at = format_iso8601_utc(*epoch);
        }
    }

    // Where an API redirect may go: the same origin as api_url, else nullopt.
    std::optional<std::string> api_redirect(const HttpResponse& r) const {
        std::string location = r.redirect_url;
        if (location.empty()) location = r.header("location").value_or("");
        if (location.empty() || origin_of(location) != api_origin || api_origin.empty())
            return std::nullopt;
        return location;
    }

    // ---------------- GraphQL ----------------

    std::vector<std::string> batch_names(const Batch& b) const {
        std::vector<std::string> v;
        for (auto i : b.items) v.push_back(names[i]);
        return v;
    }

    void next_batch() {
        if (batches.empty()) return finish();
        url = settings.api_url + "/graphql";
        redirects = 0;
        send_batch();
    }

    void send_batch() {
        HttpRequest request;
        request.method = HttpMethod::post;
        request.url = url;
        request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
        request.body = build_graphql_body(batch_names(batches.front()));
        ++out.graphql_requests;
        send(std::move(request), [this](HttpResponse r) { on_graphql(r); });
    }

    void fail_batch(const std::string& error) {
        for (auto i : batches.front().items) {
            RepoInfo info;
            info.error = error;
            store(i, std::move(info));
        }
        batches.pop_front();
        next_batch();
    }

    // 5xx or a transport failure: the same batch again after a backoff, within max_retries.
    void retry_batch(const std::string& error) {
        Batch& b = batches.front();
        if (b.attempts >= settings.max_retries) return fail_batch(error);
        const auto delay = backoff.delay(b.attempts++);
        after(delay, [this] { send_batch(); });
    }

    void wait_or_give_up_graphql(std::optional<std::chrono::seconds> wait) {
        Batch& b = batches.front();
        if (!wait || *wait > settings.max_rate_limit_wait || b.attempts >= settings.max_retries)
            return rate_limit_stop(false);
        ++b.attempts;
        after(*wait, [this] { send_batch(); });
    }

    void on_graphql(const HttpResponse& r) {
        note_rate_headers(r);
        if (r.error != TransportError::none)
            return retry_batch("GitHub GraphQL request failed: " + describe_transport(r));
        if (r.status == 401) {
            out.auth_failed = true;
            out.warnings.push_back(
                "GitHub refused GITHUB_TOKEN (HTTP 401): repository metadata skipped this run; "
                "check that the token is valid and not expired");
            for (std::size_t i = 0; i < names.size(); ++i)
                if (!out.repos.count(key(i))) keep_previous(i, "GitHub authentication failed");
            return finish();
        }
        if (r.status == 502 || r.status == 504) {
            // The query was too big or too slow for GitHub: halve it.
            Batch& b = batches.front();
            if (b.items.size() > 1) {
                const auto mid = b.items.begin() + static_cast<std::ptrdiff_t>(b.items.size() / 2);
                Batch first{{b.items.begin(), mid}, b.attempts};
                Batch second{{mid, b.items.end()}, b.attempts};
                batches.pop_front();
                batches.push_front(std::move(second));
                batches.push_front(std::move(first));
                return send_batch();
            }
            return retry_batch(http_error(r));
        }
        if (is_redirect(r.status)) {
            // GitHub does not redirect its GraphQL endpoint; follow only a method-keeping
            // redirect on the API host (the token never leaves it).
            const auto target = api_redirect(r);
            if ((r.status == 307 || r.status == 308) && target && redirects < max_api_redirects) {
                ++redirects;
                url = *target;
                return send_batch();
            }
            return fail_batch(
                fmt::format("GitHub GraphQL endpoint redirected (HTTP {}) "
                            "away from the API host: not followed",
                            r.status));
        }
        if (is_rate_limit_answer(r)) return wait_or_give_up_graphql(rate_limit_wait(r, {}));
        if (r.status >= 500) return retry_batch(http_error(r));
        if (r.status != 200) return fail_batch(http_error(r));
        if (r.body_truncated) return fail_batch("GitHub GraphQL answer too large");

        const auto names_in_batch = batch_names(batches.front());
        GraphqlBatchResult result = parse_graphql_response(r.body, names_in_batch);
        if (result.remaining) out.rate_remaining = result.remaining;
        if (!result.reset_at.empty()) out.rate_reset_at = result.reset_at;
        if (result.rate_limited)
            return wait_or_give_up_graphql(rate_limit_wait(r, result.reset_at));
        for (auto i : batches.front().items) {
            auto found = result.repos.find(key(i));
            if (found != result.repos.end()) store(i, std::move(found->second));
        }
        batches.pop_front();
        next_batch();
    }

    // ---------------- REST ----------------

    void next_rest() {
        if (next >= rest_queue.size()) return finish();
        const auto [owner, name] = split_repo(names[rest_queue[next]]);
        url = fmt::format("{}/repos/{}/{}", settings.api_url, owner, name);
        attempts = 0;
        redirects = 0;
        send_rest();
    }

    void advance_rest() {
        ++next;
        next_rest();
    }

    void send_rest() {
        HttpRequest request;
        request.url = url;
        request.headers = {{"Accept", "application/vnd.github+json"},
                           {"X-GitHub-Api-Version", "2022-11-28"}};
        const auto prev = settings.previous.find(key(rest_queue[next]));
        if (redirects == 0 && prev != settings.previous.end() && !prev->second.etag.empty() &&
            prev->second.exists && prev->second.error.empty())
            request.headers.emplace_back("If-None-Match", prev->second.etag);
        ++out.rest_requests;
        send(std::move(request), [this](HttpResponse r) { on_rest(r); });
    }

    void fail_rest(std::string error) {
        RepoInfo info;
        info.error = std::move(error);
        store(rest_queue[next], std::move(info));
        advance_rest();
    }

    void retry_rest(std::string error) {
        if (attempts >= settings.max_retries) return fail_rest(std::move(error));
        after(backoff.delay(attempts++), [this] { send_rest(); });
    }

    // The quota is spent (x-ratelimit-remaining: 0 on an answer, or a rate-limit answer):
    // wait for the reset when it is near, else stop with stale copies. `retry_current`
    // says whether the current repository still needs its answer.
    void quota_spent(const HttpResponse& r, bool retry_current) {
        const auto wait = rate_limit_wait(r, {});
        const bool can_wait = wait && *wait <= settings.max_rate_limit_wait &&
                              (!retry_current || attempts < settings.max_retries);
        if (!can_wait) return rate_limit_stop(true);
        if (retry_current) {
            ++attempts;
            return after(*wait, [this] { send_rest(); });
        }
        ++next;
        if (next >= rest_queue.size()) return finish();
        after(*wait, [this] { next_rest(); });
    }

    void done_rest(RepoInfo info, const HttpResponse& r) {
        store(rest_queue[next], std::move(info));
        if (const auto remaining = r.header("x-ratelimit-remaining");
            remaining && parse_int(*remaining) == 0 && next + 1 < rest_queue.size())
            return quota_spent(r, false);
        advance_rest();
    }

    void on_rest(const HttpResponse& r) {
        note_rate_headers(r);
        const std::size_t i = rest_queue[next];
        if (r.error != TransportError::none)
            return retry_rest("GitHub API request failed: " + describe_transport(r));
        if (r.status == 200) {
            if (r.body_truncated) return fail_rest("GitHub REST answer too large");
            RepoInfo info = parse_rest_repo(r.body, names[i]);
            if (info.error.empty()) info.etag = r.header("etag").value_or("");
            return done_rest(std::move(info), r);
        }
        if (r.status == 304) {
            const auto prev = settings.previous.find(key(i));
            if (prev == settings.previous.end())
                return fail_rest("GitHub API answered 304 to an unconditional request");
            ++out.not_modified;
            RepoInfo info = prev->second;
            info.stale_copy = false;
            if (const auto etag = r.header("etag")) info.etag = *etag;
            return done_rest(std::move(info), r);
        }
        if (r.status == 404 || r.status == 410) {
            RepoInfo info;  // exists = false: the repository is gone
            return done_rest(std::move(info), r);
        }
        if (is_redirect(r.status)) {
            // A renamed or transferred repository answers 301 to /repositories/{id}.
            const auto target = api_redirect(r);
            if (!target)
                return fail_rest(
                    fmt::format("GitHub API redirected (HTTP {}) away from the API host: "
                                "not followed",
                                r.status));
            if (redirects >= max_api_redirects) return fail_rest("too many GitHub API redirects");
            ++redirects;
            url = *target;
            return send_rest();
        }
        if (is_rate_limit_answer(r)) return quota_spent(r, true);
        if (r.status >= 500) return retry_rest(http_error(r));
        fail_rest(http_error(r));
    }
};

GithubClient::GithubClient(boost::asio::io_context& io, net::HttpTransport& transport,
                           GithubSettings settings)
    : io_(io), transport_(transport), settings_(std::move(settings)) {}

GithubClient::~GithubClient() {
    *alive_ = false;
    alive_.reset();
    // Waiting timers hold their run; cancel them so the io_context is not kept busy.
    for (auto& weak : runs_)
        if (auto run = weak.lock()) run->timer.cancel();
}

void GithubClient::lookup(std::vector<std::string> repos, std::function<void(GithubLookup)> done) {
    std::erase_if(runs_, [](const std::weak_ptr<Run>& w) { return w.expired(); });
    auto run = std::make_shared<Run>(io_, transport_, settings_, alive_);
    run->done = std::move(done);
    runs_.push_back(run);
    // Start from the io_context so `done` never runs inline, even for an empty list.
    boost::asio::post(io_, [run, repos = std::move(repos)]() mutable {
        if (run->dead()) return;
        run->start(std::move(repos));
    });
}

}  // namespace ah
