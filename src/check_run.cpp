// The checking run: one io_context, one curl multi, one politeness policy for every request
// of the run — link checks and API calls alike. GitHub repositories, arXiv papers and
// HuggingFace repositories are judged by their APIs (fewer page fetches, no bot walls); a
// link whose API lookup failed falls back to an HTTP check. Dead links then get their
// closest Wayback copy.
#include "ah/check_run.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ah/arxiv.h"
#include "ah/huggingface.h"
#include "ah/wayback.h"
#include "ah/console_summary.h"
#include "engine_config.h"
#include "filter.h"
#include "metadata_findings.h"
#include "net/http_engine.h"
#include "net/polite_transport.h"
#include "progress.h"
#include "web_check.h"

namespace ah {

namespace {

net::PolitenessOptions politeness_from(const Config& config) {
    net::PolitenessOptions p;
    p.max_in_flight = config.check.max_in_flight;
    p.host_in_flight = config.check.per_host_in_flight;
    p.min_interval = std::chrono::milliseconds(config.check.min_interval_ms);
    for (const auto& [host, o] : config.hosts) {
        net::HostOverride h;
        if (o.in_flight) h.in_flight = *o.in_flight;
        if (o.min_interval_ms) h.min_interval = std::chrono::milliseconds(*o.min_interval_ms);
        p.overrides[host] = h;
    }
    return p;
}

bool is_connection_error(const HttpResponse& r) {
    return r.status == 0 && (r.error == TransportError::dns || r.error == TransportError::connect ||
                             r.error == TransportError::timeout);
}

// Sits between the politeness policy and the engine and counts, per host, the requests
// and those that never reached the host: the evidence of the network-outage guard.
class ReachabilityWatch final : public net::HttpTransport {
public:
    explicit ReachabilityWatch(net::HttpTransport& inner) : inner_(inner) {}
    void start(HttpRequest request, DoneCallback done) override {
        auto& counts = hosts_[net::host_key(request.url)];
        ++counts.first;
        inner_.start(std::move(request), [&counts, done = std::move(done)](HttpResponse r) {
            if (is_connection_error(r)) ++counts.second;
            done(std::move(r));
        });
    }
    // host -> (requests, connection failures)
    const std::map<std::string, std::pair<std::size_t, std::size_t>>& hosts() const { return hosts_; }

private:
    net::HttpTransport& inner_;
    std::map<std::string, std::pair<std::size_t, std::size_t>> hosts_;
};

RepoMeta repo_meta(const RepoInfo& info, const std::string& fetched_at) {
    RepoMeta m;
    m.name_with_owner = info.name_with_owner;
    m.url = info.url;
    m.stars = info.stars;
    m.pushed_at = info.pushed_at;
    m.last_commit_at = info.last_commit_at;
    m.license = info.license;
    m.archived = info.archived;
    m.disabled = info.disabled;
    m.fork = info.fork;
    m.etag = info.etag;
    m.stale_copy = info.stale_copy;
    m.fetched_at = fetched_at;
    return m;
}

PaperMeta paper_meta(const ArxivPaper& p, const VenueAliases* venues, const std::string& fetched_at) {
    PaperMeta m;
    m.id = p.id;
    m.title = p.title;
    m.authors = p.authors;
    m.published = p.published;
    m.updated = p.updated;
    m.latest_version = p.latest_version;
    m.journal_ref = p.journal_ref;
    m.comment = p.comment;
    m.doi = p.doi;
    m.primary_category = p.primary_category;
    m.fetched_at = fetched_at;
    if (venues != nullptr) {
        if (const auto inferred = infer_venue(p, *venues)) {
            m.inferred_venue = inferred->venue;
            m.inferred_year = inferred->year;
            m.venue_evidence = inferred->evidence;
        }
    }
    return m;
}

// Everything one run needs, alive for the duration of io.run().
class Run {
public:
    Run(const Catalog& catalog, const Config& config, const RunHooks& hooks)
        : catalog_(catalog),
          config_(config),
          hooks_(hooks),
          engine_(io_, engine_options_from(config)),
          watch_(engine_),
          client_(io_, watch_, politeness_from(config)),
          transport_(client_),
          checker_(io_, client_, CheckSettings::from(config)),
          router_(config),
          ticker_(io_),
          progress_(hooks.progress ? progress_mode(config.check.progress, fileno(hooks.progress)) : ProgressMode::off,
                    hooks.progress ? hooks.progress : stderr),
          fetched_at_(iso8601_utc(hooks.now)) {
        const std::size_t n = catalog.targets.size();
        out_.results.resize(n);
        out_.remapped_by.resize(n);
        out_.repos.resize(n);
        out_.papers.resize(n);
        out_.hubs.resize(n);
        out_.archive_urls.resize(n);
    }

    RunOutcome run() {
        const auto started = std::chrono::steady_clock::now();
        std::vector<std::size_t> web, github, arxiv, hub;
        for (const std::size_t i : check_order()) {
            const Target& target = catalog_.targets[i];
            const RoutingDecision route = router_.route(target);
            CheckResult& slot = out_.results[i];
            slot.url = route.url;
            out_.remapped_by[i] = route.remapped_by;
            if (!route.check) {
                slot.verdict = Verdict::skipped;
                slot.error = route.reason;
                slot.checked_by = "none";
                continue;
            }
            ++total_;
            // A remapped link goes where the user sent it: by HTTP.
            const bool api_ok = route.remapped_by.empty();
            const PackedUrl& info = info_of(i);
            if (api_ok && target.kind == LinkKind::github_repo && config_.github.enabled) {
                github.push_back(i);
                if (!info.subpath().empty()) web.push_back(i);  // a deep link: the path is checked too
            } else if (api_ok && target.kind == LinkKind::arxiv && config_.arxiv.enabled) {
                arxiv.push_back(i);
            } else if (api_ok && config_.huggingface.enabled &&
                       (target.kind == LinkKind::huggingface_model || target.kind == LinkKind::huggingface_dataset ||
                        target.kind == LinkKind::huggingface_space)) {
                hub.push_back(i);
            } else {
                web.push_back(i);
                if (api_ok && config_.huggingface.enabled && target.kind == LinkKind::huggingface_org) hub.push_back(i);
            }
        }
        for (std::size_t i : web) check_web(i);
        if (!github.empty()) lookup_github(github);
        if (!arxiv.empty()) lookup_arxiv(arxiv);
        if (!hub.empty()) lookup_hub(hub);
        tick();
        if (pending_ == 0) on_checks_done();
        io_.run();
        progress_.finish();
        summarise(started);
        return std::move(out_);
    }

private:
    // What extraction already learnt about target i (parsed once, not again per stage).
    const PackedUrl& info_of(std::size_t i) const { return catalog_.links[catalog_.targets[i].occurrences.front()].info; }

    std::vector<std::size_t> check_order() const {
        // Longest expected first (LPT): links that were slow last run start before fast
        // ones. Unknown links are expected to be as slow as the median known one.
        std::vector<std::size_t> order(catalog_.targets.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        if (hooks_.previous_elapsed.empty()) return order;
        std::vector<std::chrono::milliseconds> known;
        for (const auto& [url, ms] : hooks_.previous_elapsed) known.push_back(ms);
        std::nth_element(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2), known.end());
        const auto median = known[known.size() / 2];
        std::vector<std::chrono::milliseconds> expected(order.size(), median);
        for (std::size_t i = 0; i < order.size(); ++i)
            if (const auto it = hooks_.previous_elapsed.find(catalog_.targets[i].url); it != hooks_.previous_elapsed.end())
                expected[i] = it->second;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return expected[a] > expected[b]; });
        return order;
    }

    // pending_ counts asynchronous operations (a link check, an API lookup); done_ counts
    // targets with a verdict, for the progress line.
    void begin() { ++pending_; }
    void end(std::size_t targets_done) {
        done_ += targets_done;
        report_progress();
        if (--pending_ == 0) on_checks_done();
    }

    // Web checks wait in their host's queue (a target index each) and start when the host
    // has room: a check costs a job and a request in the polite client (about 1 KB) only
    // while it runs, so a list of 100,000 links never has them all alive at once. Twice
    // the in-flight limits keeps the polite client's queues full, so nothing waits on this.
    struct HostQueue {
        std::deque<std::size_t> waiting;  // in check order
        int running = 0;
        int window = 0;
        bool starved = false;  // in starved_: stopped by the global window
    };

    void check_web(std::size_t i) {
        begin();
        const std::string host = net::host_key(out_.results[i].url);
        auto [it, inserted] = web_queues_.try_emplace(host);
        HostQueue& q = it->second;
        if (inserted) q.window = 2 * client_.host_limit(host);
        q.waiting.push_back(i);
        start_web_checks(q);
    }

    std::size_t global_web_window() const {
        return 2 * static_cast<std::size_t>(std::max(1, config_.check.max_in_flight));
    }

    void start_web_checks(HostQueue& q) {
        while (!q.waiting.empty() && q.running < q.window) {
            if (web_running_ >= global_web_window()) {
                if (!q.starved) {
                    q.starved = true;
                    starved_.push_back(&q);
                }
                return;
            }
            const std::size_t i = q.waiting.front();
            q.waiting.pop_front();
            ++q.running;
            ++web_running_;
            start_web_check(i, q);
        }
    }

    void start_web_check(std::size_t i, HostQueue& q) {
        checker_.check(out_.results[i].url, [this, i, &q](CheckResult r) {
            CheckResult& slot = out_.results[i];
            note_host(r);
            // A deep GitHub link whose repository the API found missing stays dead.
            if (!(slot.checked_by == "github_api" && slot.verdict == Verdict::dead)) slot = std::move(r);
            --q.running;
            --web_running_;
            start_web_checks(q);
            while (!starved_.empty() && web_running_ < global_web_window()) {
                HostQueue* next = starved_.front();
                starved_.pop_front();
                next->starved = false;
                start_web_checks(*next);
            }
            end(1);
        });
    }

    void note_host(const CheckResult& r) {
        HostSummary& h = hosts_[net::host_key(r.url)];
        ++h.targets;
        h.slowest = std::max(h.slowest, r.elapsed);
        out_.retries += static_cast<std::size_t>(r.retries);
    }

    void lookup_github(std::vector<std::size_t> targets) {
        GithubSettings settings;
        settings.api_url = config_.github.api_url;
        settings.token = hooks_.github_token;
        settings.batch_size = config_.github.batch_size;
        settings.timeout = std::chrono::milliseconds(config_.check.timeout_ms);
        settings.previous = hooks_.previous_repos;
        github_ = std::make_unique<GithubClient>(io_, transport_, std::move(settings));
        std::vector<std::string> repos;
        for (std::size_t i : targets) repos.emplace_back(info_of(i).id());
        begin();
        github_->lookup(repos, [this, targets](GithubLookup lookup) {
            std::size_t judged = 0;
            out_.api.github_graphql_requests = lookup.graphql_requests;
            out_.api.github_rest_requests = lookup.rest_requests;
            out_.api.github_not_modified = lookup.not_modified;
            out_.api.github_repositories = static_cast<int>(lookup.repos.size());
            for (auto& w : lookup.warnings) out_.warnings.push_back("GitHub: " + w);
            for (std::size_t i : targets) {
                const PackedUrl& info = info_of(i);
                const auto it = lookup.repos.find(github_repo_key(info.id()));
                if (it == lookup.repos.end()) {
                    if (info.subpath().empty()) check_web(i);
                    continue;
                }

                const RepoInfo& repo = it->second;
                if (repo.exists || repo.stale_copy) out_.repos[i] = repo_meta(repo, repo.stale_copy ? "" : fetched_at_);
                const bool deep = !info.subpath().empty();  // its path is checked over HTTP as well
                // The API could not say: judge the page instead.
                if (!repo.error.empty() || repo.stale_copy || lookup.auth_failed) {
                    if (!deep) check_web(i);
                    continue;
                }
                CheckResult& r = out_.results[i];
                if (deep && repo.exists && !repo.renamed()) continue;  // the path check decides
                r = CheckResult{};
                r.url = catalog_.targets[i].url;
                r.checked_by = "github_api";
                r.method = "API";
                r.attempts = 1;
                r.final_url = r.url;
                if (!repo.exists) {
                    r.verdict = Verdict::dead;
                    r.http_status = 404;
                    r.error = "repository not found (GitHub API)";
                } else if (repo.renamed()) {
                    r.verdict = Verdict::moved;
                    r.http_status = 200;
                    r.final_url = "https://github.com/" + repo.name_with_owner + (deep ? "/" + std::string(info.subpath()) : "");
                } else {
                    r.verdict = Verdict::ok;
                    r.http_status = 200;
                }
                if (!deep) ++judged;
            }
            end(judged);
        });
    }

    void lookup_arxiv(std::vector<std::size_t> targets) {
        ArxivSettings settings;
        settings.api_url = config_.arxiv.api_url;
        settings.batch_size = config_.arxiv.batch_size;
        settings.min_interval = std::chrono::milliseconds(config_.arxiv.min_interval_ms);
        settings.timeout = std::chrono::milliseconds(config_.check.timeout_ms) * 3;
        arxiv_ = std::make_unique<ArxivClient>(io_, transport_, settings);
        std::vector<std::string> ids;
        for (std::size_t i : targets) ids.emplace_back(info_of(i).id());
        out_.api.arxiv_ids = static_cast<int>(std::set<std::string>(ids.begin(), ids.end()).size());
        begin();
        arxiv_->lookup(ids, [this, targets](ArxivLookup lookup) {
            out_.api.arxiv_requests = lookup.requests;
            for (std::size_t k = 1; k < lookup.request_times.size(); ++k) {
                const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(lookup.request_times[k] -
                                                                                       lookup.request_times[k - 1]);
                if (out_.api.arxiv_min_spacing_ms < 0 || gap.count() < out_.api.arxiv_min_spacing_ms)
                    out_.api.arxiv_min_spacing_ms = gap.count();
            }
            for (std::size_t i : targets) {
                const std::string id(info_of(i).id());
                CheckResult& r = out_.results[i];
                r.checked_by = "arxiv_api";
                r.method = "API";
                r.attempts = 1;
                r.final_url = r.url;
                if (const auto f = lookup.found.find(id); f != lookup.found.end()) {
                    r.verdict = Verdict::ok;
                    r.http_status = 200;
                    out_.papers[i] = paper_meta(f->second, hooks_.venues, fetched_at_);
                } else if (const auto m = lookup.missing.find(id); m != lookup.missing.end()) {
                    r.verdict = Verdict::dead;
                    r.http_status = 404;
                    r.error = fmt::format("arXiv: {}", m->second);
                } else {
                    const auto e = lookup.failed.find(id);
                    r.verdict = Verdict::error;
                    r.error = fmt::format("arXiv API: {}", e != lookup.failed.end() ? e->second : "no answer");
                }
            }
            end(targets.size());
        });
    }

    void lookup_hub(std::vector<std::size_t> targets) {
        hub_ = std::make_unique<HubClient>(io_, transport_,
                                           HubSettings{config_.huggingface.api_url,
                                                       std::chrono::milliseconds(config_.check.timeout_ms)});
        std::vector<HubLookupItem> items;
        for (std::size_t i : targets) items.push_back({catalog_.targets[i].kind, std::string(info_of(i).id())});
        begin();
        hub_->lookup(items, [this, targets](HubLookup lookup) {
            std::size_t judged = 0;
            out_.api.huggingface_requests = lookup.requests;
            for (std::size_t i : targets) {
                const Target& target = catalog_.targets[i];
                const HubInfo& info = lookup.items[hub_key({target.kind, std::string(info_of(i).id())})];
                if (info.exists) {
                    HubMeta m;
                    m.id = info.id;
                    m.likes = info.likes;
                    m.downloads = info.downloads;
                    m.models = info.models;
                    m.last_modified = info.last_modified;
                    m.gated = info.gated;
                    m.fetched_at = fetched_at_;
                    out_.hubs[i] = std::move(m);
                }
                if (target.kind == LinkKind::huggingface_org) continue;  // judged by its page
                if (!info.error.empty()) {
                    check_web(i);
                    continue;
                }
                CheckResult& r = out_.results[i];
                r.checked_by = "huggingface_api";
                r.method = "API";
                r.attempts = 1;
                r.final_url = r.url;
                r.verdict = info.exists ? Verdict::ok : Verdict::dead;
                r.http_status = info.exists ? 200 : 404;
                if (!info.exists) r.error = "repository not found (HuggingFace API)";
                ++judged;
            }
            end(judged);
        });
    }

    void on_checks_done() {
        if (wayback_started_ || !config_.wayback.enabled) {
            ticker_.cancel();
            return;
        }
        wayback_started_ = true;
        std::vector<std::string> dead;
        std::map<std::string, std::vector<std::size_t>> where;
        for (std::size_t i = 0; i < out_.results.size(); ++i) {
            if (out_.results[i].verdict != Verdict::dead) continue;
            dead.push_back(catalog_.targets[i].url);
            where[catalog_.targets[i].url].push_back(i);
        }
        // Not during an outage: everything would be "dead" and nothing would answer.
        apply_outage_guard_now();
        if (dead.empty() || out_.network_unavailable) {
            ticker_.cancel();
            return;
        }
        wayback_ = std::make_unique<WaybackClient>(io_, transport_,
                                                   WaybackSettings{config_.wayback.api_url,
                                                                   std::chrono::milliseconds(config_.check.timeout_ms)});
        wayback_->lookup(dead, [this, where](WaybackCopies copies, int requests) {
            out_.api.wayback_requests = requests;
            for (const auto& [url, copy] : copies)
                for (std::size_t i : where.at(url)) out_.archive_urls[i] = copy;
            ticker_.cancel();
        });
    }

    void tick() {
        if (pending_ == 0 && (wayback_started_ || !config_.wayback.enabled)) return;
        report_progress();
        ticker_.expires_after(std::chrono::milliseconds(500));
        ticker_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) tick();
        });
    }

    void report_progress() {
        if (!progress_.enabled()) return;
        // The hosts holding the run up: those with the most requests still in flight.
        std::vector<std::pair<std::uint64_t, std::string>> busy;
        for (const auto& h : client_.host_stats())
            if (h.requests_started > h.requests_finished) busy.emplace_back(h.requests_started - h.requests_finished, h.host);
        std::sort(busy.begin(), busy.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        ProgressState state{done_, total_, client_.in_flight(), client_.queued(), {}};
        for (std::size_t i = 0; i < busy.size() && i < 3; ++i) state.slow_hosts.push_back(busy[i].second);
        progress_.update(state);
    }

    void apply_outage_guard_now() {
        collect_hosts();
        apply_outage_guard(out_, config_.check.outage_threshold, config_.check.outage_min_hosts);
    }

    void collect_hosts() {
        out_.hosts.clear();
        std::map<std::string, HostSummary> merged = hosts_;
        for (const auto& [host, counts] : watch_.hosts()) {
            merged[host].requests = counts.first;
            merged[host].connection_failures = counts.second;
        }
        for (const auto& stats : client_.host_stats()) {
            HostSummary& h = merged[stats.host];
            h.peak_in_flight = stats.peak_in_flight;
            h.rate_limited = stats.status_429 + stats.status_503;
        }
        for (auto& [name, h] : merged) {
            h.host = name;
            out_.hosts.push_back(h);
        }
    }

    void summarise(std::chrono::steady_clock::time_point started) {
        collect_hosts();
        out_.requests = 0;
        out_.rate_limited = 0;
        for (const auto& h : out_.hosts) {
            out_.requests += h.requests;
            out_.rate_limited += h.rate_limited;
        }
        out_.shared_requests = checker_.shared_requests();
        out_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        apply_outage_guard(out_, config_.check.outage_threshold, config_.check.outage_min_hosts);
        if (!out_.network_unavailable) {
            MetadataPolicy policy{config_.github.stale_after_days, hooks_.now};
            add_metadata_findings(catalog_, out_, hooks_.venues, policy);
        }
    }

    const Catalog& catalog_;
    const Config& config_;
    const RunHooks& hooks_;
    boost::asio::io_context io_;
    net::HttpEngine engine_;
    ReachabilityWatch watch_;
    net::PoliteClient client_;
    net::PoliteTransport transport_;
    WebChecker checker_;
    const TargetRouter router_;
    boost::asio::steady_timer ticker_;
    ProgressReporter progress_;
    std::string fetched_at_;
    std::unique_ptr<GithubClient> github_;
    std::unique_ptr<ArxivClient> arxiv_;
    std::unique_ptr<HubClient> hub_;
    std::unique_ptr<WaybackClient> wayback_;
    RunOutcome out_;
    std::map<std::string, HostSummary> hosts_;
    std::map<std::string, HostQueue> web_queues_;  // node-based: HostQueue addresses stay valid
    std::deque<HostQueue*> starved_;
    std::size_t web_running_ = 0;
    std::size_t pending_ = 0, done_ = 0, total_ = 0;
    bool wayback_started_ = false;
};

}  // namespace

void apply_outage_guard(RunOutcome& outcome, double threshold, int min_hosts) {
    std::size_t hosts = 0, unreachable = 0;
    for (const auto& h : outcome.hosts) {
        if (h.requests == 0) continue;
        ++hosts;
        if (h.connection_failures == h.requests) ++unreachable;
    }
    outcome.network_unavailable = false;
    if (hosts < static_cast<std::size_t>(min_hosts) || hosts == 0) return;
    const double share = static_cast<double>(unreachable) / static_cast<double>(hosts);
    if (share >= threshold) {
        outcome.network_unavailable = true;
        outcome.outage_reason = fmt::format(
            "{} of {} hosts could not be reached at all (DNS, connect or timeout): the runner's network is "
            "down, not the links",
            unreachable, hosts);
    }
}

RunOutcome run_checks(const Catalog& catalog, const Config& config, const RunHooks& hooks) {
    return Run(catalog, config, hooks).run();
}

}  // namespace ah
