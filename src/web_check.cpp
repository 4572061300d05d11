// WebChecker: HEAD/GET, redirects, retries and verdicts for one link (see web_check.h).
#include "web_check.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "ah/url.h"
#include "filter.h"
#include "text_util.h"

namespace ah {

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::ok: return "ok";
        case Verdict::moved: return "moved";
        case Verdict::dead: return "dead";
        case Verdict::error: return "error";
        case Verdict::blocked: return "blocked";
        case Verdict::malformed: return "malformed";
        case Verdict::skipped: return "skipped";
    }
    return "error";
}

bool is_connection_failure(const CheckResult& r) {
    if (r.http_status != 0) return false;
    return r.transport == TransportError::dns || r.transport == TransportError::connect ||
           r.transport == TransportError::timeout;
}

CheckSettings CheckSettings::from(const Config& config) {
    CheckSettings s;
    s.timeout = std::chrono::milliseconds(config.check.timeout_ms);
    s.connect_timeout = std::chrono::milliseconds(config.check.connect_timeout_ms);
    s.max_redirects = config.check.max_redirects;
    s.max_retries = config.check.max_retries;
    s.retry_base = std::chrono::milliseconds(config.check.retry_base_ms);
    s.retry_max = std::chrono::milliseconds(config.check.retry_max_ms);
    s.head_first = config.check.method == "head";
    s.get_body_cap = static_cast<std::size_t>(config.check.get_body_cap_bytes);
    s.blocked_statuses.assign(config.check.blocked_statuses.begin(), config.check.blocked_statuses.end());
    s.hosts = config.hosts;
    s.exclude_private = config.filter.exclude_private;
    return s;
}

namespace {

// What a browser sends: some sites answer robots without these with 403 or 406.
const HeaderList browser_headers = {
    {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    {"Accept-Language", "en-US,en;q=0.9"},
};

bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_permanent_redirect(long status) { return status == 301 || status == 308; }

bool retryable_transport(TransportError e) {
    return e == TransportError::timeout || e == TransportError::connect || e == TransportError::receive ||
           e == TransportError::send;
}

std::string describe_transport(const HttpResponse& r) {
    const std::string what = [&]() -> std::string {
        switch (r.error) {
            case TransportError::dns: return "host does not resolve";
            case TransportError::connect: return "connection failed";
            case TransportError::tls: return "TLS failure";
            case TransportError::timeout: return "timed out";
            case TransportError::protocol: return "invalid HTTP response";
            case TransportError::too_large_headers: return "response headers too large";
            case TransportError::send: return "send failed";
            case TransportError::receive: return "connection broken while receiving";
            case TransportError::url: return "URL rejected";
            default: return "transfer failed";
        }
    }();
    return r.error_message.empty() ? what : fmt::format("{}: {}", what, r.error_message);
}

}  // namespace

struct WebChecker::Job {
    CheckResult result;
    std::string current_url;
    HttpMethod method = HttpMethod::head;
    int step_retries = 0;  // retries of the current URL and method
    std::set<std::string> visited;
    std::chrono::steady_clock::time_point started;
    Done done;
    std::unique_ptr<boost::asio::steady_timer> timer;
    const HostOverride* host = nullptr;
};

// What on_response reads of a finished first attempt, for later identical requests: the
// status and transport error inline, and only when there is any, the Location, curl's
// message and the headers that matter (retry-after, cf-mitigated). No body, no other
// headers: a run keeps one of these for every distinct URL it requested.
struct WebChecker::Answer {
    struct Details {
        std::string redirect_url;
        std::string error_message;
        HeaderList headers;
    };
    long status = 0;
    TransportError error = TransportError::none;
    std::unique_ptr<Details> details;

    explicit Answer(const HttpResponse& r) : status(r.status), error(r.error) {
        Details d{r.redirect_url, r.error_message, {}};
        for (const auto& [name, value] : r.headers)
            if (name == "retry-after" || name == "cf-mitigated") d.headers.emplace_back(name, value);
        if (!d.redirect_url.empty() || !d.error_message.empty() || !d.headers.empty())
            details = std::make_unique<Details>(std::move(d));
    }
    HttpResponse recall() const {
        HttpResponse r;
        r.status = status;
        r.error = error;
        if (details) {
            r.redirect_url = details->redirect_url;
            r.error_message = details->error_message;
            r.headers = details->headers;
        }
        return r;
    }
};

WebChecker::WebChecker(boost::asio::io_context& io, net::PoliteClient& client, CheckSettings settings)
    : io_(io), client_(client), settings_(std::move(settings)),
      backoff_(settings_.retry_base, settings_.retry_max, settings_.seed) {}

WebChecker::~WebChecker() { *alive_ = false; }

void WebChecker::check(std::string url, Done done) {
    auto job = std::make_shared<Job>();
    job->result.url = url;
    job->current_url = std::move(url);
    job->visited.insert(job->current_url);
    job->started = std::chrono::steady_clock::now();
    job->done = std::move(done);
    const auto host = settings_.hosts.find(net::host_key(job->current_url));
    if (host != settings_.hosts.end()) job->host = &host->second;
    const std::string method = job->host && job->host->method ? *job->host->method : (settings_.head_first ? "head" : "get");
    job->method = method == "head" ? HttpMethod::head : HttpMethod::get;
    send(job);
}

void WebChecker::request(HttpRequest req, bool may_share, std::function<void(const HttpResponse&)> done) {
    if (!may_share) {
        client_.submit(std::move(req), [done = std::move(done)](HttpResponse r) { done(r); });
        return;
    }
    std::string key = fmt::format("{} {}", to_string(req.method), req.url);
    if (const auto answered = answered_.find(key); answered != answered_.end()) {
        ++shared_requests_;
        boost::asio::post(io_, [this, key = std::move(key), done = std::move(done), alive = std::weak_ptr<bool>(alive_)] {
            if (!alive.expired()) done(answered_.at(key).recall());
        });
        return;
    }
    auto [waiting, first] = in_flight_.try_emplace(key);
    waiting->second.push_back(std::move(done));
    if (!first) {
        ++shared_requests_;
        return;
    }
    client_.submit(std::move(req), [this, key = std::move(key), alive = std::weak_ptr<bool>(alive_)](HttpResponse r) {
        if (alive.expired()) return;
        answered_.emplace(key, Answer(r));
        const auto node = in_flight_.extract(key);
        for (const auto& w : node.mapped()) w(r);
    });
}

void WebChecker::send(const std::shared_ptr<Job>& job) {
    // (host_key parses the URL with curl: only worth it once some host has paused.)
    if (!paused_.empty()) {
        if (const auto pause = paused_.find(net::host_key(job->current_url)); pause != paused_.end()) {
            if (std::chrono::steady_clock::now() < pause->second.until) {
                job->result.http_status = pause->second.status;
                job->result.final_url = job->current_url;
                return finish(job, pause->second.verdict, pause->second.why);
            }
            paused_.erase(pause);
        }
    }
    HttpRequest req;
    req.method = job->method;
    req.url = job->current_url;
    req.headers = browser_headers;
    req.timeout = job->host && job->host->timeout_ms ? std::chrono::milliseconds(*job->host->timeout_ms) : settings_.timeout;
    req.connect_timeout = std::min(settings_.connect_timeout, req.timeout);
    req.body_cap = job->method == HttpMethod::get ? settings_.get_body_cap : 0;
    ++job->result.attempts;
    request(std::move(req), job->step_retries == 0, [this, job, alive = std::weak_ptr<bool>(alive_)](const HttpResponse& r) {
        if (!alive.expired()) on_response(job, r);
    });
}

void WebChecker::retry_later(const std::shared_ptr<Job>& job, std::chrono::milliseconds delay) {
    ++job->step_retries;
    ++job->result.retries;
    job->timer = std::make_unique<boost::asio::steady_timer>(io_, delay);
    job->timer->async_wait([this, job, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) send(job);
    });
}

void WebChecker::on_response(const std::shared_ptr<Job>& job, const HttpResponse& r) {
    CheckResult& result = job->result;
    const std::string host = net::host_key(job->current_url);
    result.method = std::string(to_string(job->method));
    result.http_status = r.status;
    result.transport = r.error;
    result.final_url = job->current_url;

    if (r.error != TransportError::none) {
        if (r.error == TransportError::url) return finish(job, Verdict::malformed, describe_transport(r));
        if (retryable_transport(r.error) && job->step_retries < settings_.max_retries)
            return retry_later(job, backoff_.delay(job->step_retries));
        // A name that does not resolve is dead; the outage guard and confirm_after keep a
        // runner's own DNS trouble from being reported as that.
        return finish(job, r.error == TransportError::dns ? Verdict::dead : Verdict::error, describe_transport(r));
    }

    const long status = r.status;
    if (is_redirect(status)) {
        if (r.redirect_url.empty())
            return finish(job, Verdict::error, fmt::format("HTTP {} redirect without a usable Location", status));
        result.redirects.push_back(RedirectHop{job->current_url, status});
        const UrlInfo next = classify_url(r.redirect_url);
        if (next.scheme != "http" && next.scheme != "https")
            return finish(job, Verdict::error, fmt::format("redirect to unsupported URL {}", mask_credentials(r.redirect_url)));
        if (auto refusal = private_redirect_refusal(net::host_key(result.url), next.host, settings_.exclude_private))
            return finish(job, Verdict::error, std::move(*refusal));
        if (!job->visited.insert(next.url).second)
            return finish(job, Verdict::error, fmt::format("redirect loop back to {}", mask_credentials(next.url)));
        if (static_cast<int>(result.redirects.size()) > settings_.max_redirects)
            return finish(job, Verdict::error, fmt::format("more than {} redirects", settings_.max_redirects));
        job->current_url = next.url;
        job->step_retries = 0;
        if (status == 303) job->method = HttpMethod::get;  // "see other" is fetched with GET
        return send(job);
    }

    if (status == 429 || status == 503) {
        ++result.rate_limited;
        client_.note_status(host, status);
        const auto header = r.header("retry-after");
        const auto asked = header ? parse_retry_after(*header, std::chrono::system_clock::now()) : std::nullopt;
        if (asked && *asked > settings_.max_retry_after) {
            const std::string why = fmt::format("HTTP {} asking to wait {} s (more than the {} s we wait)", status,
                                                asked->count(), settings_.max_retry_after.count());
            const Verdict verdict = status == 429 ? Verdict::blocked : Verdict::error;
            // The host said so for all of it: its other links are not asked until then (at
            // most a day: the wait may be decades).
            const auto wait = std::min<std::chrono::seconds>(*asked, std::chrono::hours(24));
            paused_.try_emplace(host, Pause{status, verdict,
                                            fmt::format("not asked: {} answered another link with {}", host, why),
                                            std::chrono::steady_clock::now() + wait});
            return finish(job, verdict, why);
        }
        if (job->step_retries < settings_.max_retries) {
            const auto delay = asked ? std::chrono::duration_cast<std::chrono::milliseconds>(*asked)
                                     : backoff_.delay(job->step_retries);
            // The whole host waits, not just this link: that is what the server asked.
            client_.slow_down(host, std::chrono::steady_clock::now() + delay);
            ++job->step_retries;
            ++result.retries;
            // Some servers and CDNs answer 503 to every HEAD: the retry asks with GET. (A 429
            // is about the pace, not the method.)
            if (status == 503) job->method = HttpMethod::get;
            return send(job);
        }
    } else if (status >= 500 && job->method != HttpMethod::head && job->step_retries < settings_.max_retries) {
        // (A failing HEAD goes to GET below at once; GET is where retries pay off.)
        return retry_later(job, backoff_.delay(job->step_retries));
    }

    // A refused HEAD is never trusted alone: many servers mishandle it.
    if (job->method == HttpMethod::head && status >= 400 && status != 429 && status != 503) {
        job->method = HttpMethod::get;
        job->step_retries = 0;
        return send(job);
    }

    if (const auto mitigated = r.header("cf-mitigated"); mitigated && text::iequals(*mitigated, "challenge"))
        return finish(job, Verdict::blocked, fmt::format("HTTP {}: Cloudflare challenge (a bot wall, not a dead link)", status));

    if (status >= 200 && status < 300) {
        const bool moved = std::any_of(result.redirects.begin(), result.redirects.end(),
                                       [](const RedirectHop& h) { return is_permanent_redirect(h.status); });
        return finish(job, moved ? Verdict::moved : Verdict::ok, "");
    }
    if (status == 404 || status == 410) return finish(job, Verdict::dead, fmt::format("HTTP {}", status));
    if (std::find(settings_.blocked_statuses.begin(), settings_.blocked_statuses.end(), status) !=
        settings_.blocked_statuses.end()) {
        const std::string as = job->host && job->host->blocked_as ? *job->host->blocked_as : "blocked";
        const Verdict v = as == "dead" ? Verdict::dead : as == "ok" ? Verdict::ok : Verdict::blocked;
        return finish(job, v, fmt::format("HTTP {}: the site refuses automated checks", status));
    }
    finish(job, Verdict::error, fmt::format("HTTP {}", status));
}

void WebChecker::finish(const std::shared_ptr<Job>& job, Verdict verdict, std::string error) {
    job->result.verdict = verdict;
    job->result.error = std::move(error);
    job->result.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - job->started);
    job->timer.reset();
    auto done = std::move(job->done);
    done(std::move(job->result));
}

}  // namespace ah
