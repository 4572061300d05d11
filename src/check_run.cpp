// The checking run: one io_context, one curl multi, one politeness policy for every target.
#include "ah/check_run.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "filter.h"
#include "net/http_engine.h"
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

EngineOptions engine_from(const Config& config) {
    EngineOptions e;
    e.user_agent = config.check.user_agent;
    e.proxy = config.network.proxy;
    e.ca_bundle = config.network.ca_bundle.empty() ? "" : config.resolve_path(config.network.ca_bundle);
    e.verify_tls = config.network.verify_tls;
    e.connect_to = config.network.connect_to;
    e.http2 = config.network.http2;
    e.max_connections = config.check.max_in_flight;
    e.max_host_connections = config.check.per_host_in_flight;
    for (const auto& [host, o] : config.hosts)
        if (o.in_flight) e.max_host_connections = std::max<long>(e.max_host_connections, *o.in_flight);
    return e;
}

}  // namespace

void apply_outage_guard(RunOutcome& outcome, double threshold, int min_hosts) {
    std::size_t hosts = 0, unreachable = 0;
    for (const auto& h : outcome.hosts) {
        if (h.targets == 0) continue;
        ++hosts;
        if (h.connection_failures == h.targets) ++unreachable;
    }
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
    RunOutcome outcome;
    outcome.results.resize(catalog.targets.size());
    outcome.remapped_by.resize(catalog.targets.size());
    const auto started = std::chrono::steady_clock::now();

    boost::asio::io_context io;
    net::HttpEngine engine(io, engine_from(config));
    net::PoliteClient client(io, engine, politeness_from(config));
    WebChecker checker(io, client, CheckSettings::from(config));
    const TargetRouter router(config);

    std::map<std::string, HostSummary> hosts;
    std::size_t pending = 0;
    std::size_t done = 0;
    std::size_t to_check = 0;
    ProgressReporter progress(hooks.progress ? progress_mode(config.check.progress, fileno(hooks.progress))
                                             : ProgressMode::off,
                              hooks.progress ? hooks.progress : stderr);

    // A periodic tick keeps the progress line alive while everything waits on slow hosts;
    // it is cancelled when the last check finishes so that io.run() returns at once.
    boost::asio::steady_timer ticker(io);

    // Longest expected first (LPT): links that were slow last run start before fast ones.
    // Unknown links are expected to be as slow as the median known one.
    std::vector<std::size_t> order(catalog.targets.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (!hooks.previous_elapsed.empty()) {
        std::vector<std::chrono::milliseconds> known;
        for (const auto& [url, ms] : hooks.previous_elapsed) known.push_back(ms);
        std::nth_element(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2), known.end());
        const auto median = known[known.size() / 2];
        std::vector<std::chrono::milliseconds> expected(order.size(), median);
        for (std::size_t i = 0; i < order.size(); ++i)
            if (const auto it = hooks.previous_elapsed.find(catalog.targets[i].url); it != hooks.previous_elapsed.end())
                expected[i] = it->second;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return expected[a] > expected[b]; });
    }

    for (const std::size_t i : order) {
        const Target& target = catalog.targets[i];
        const RoutingDecision route = router.route(target);
        CheckResult& slot = outcome.results[i];
        slot.url = route.url;
        slot.listed_url = target.url;
        outcome.remapped_by[i] = route.remapped_by;
        if (!route.check) {
            slot.verdict = Verdict::skipped;
            slot.error = route.reason;
            slot.checked_by = "none";
            continue;
        }
        ++to_check;
        ++pending;
        checker.check(route.url, [&, i, listed = target.url](CheckResult r) {
            r.listed_url = listed;
            HostSummary& h = hosts[net::host_key(r.url)];
            ++h.targets;
            h.slowest = std::max(h.slowest, r.elapsed);
            if (is_connection_failure(r)) ++h.connection_failures;
            outcome.retries += static_cast<std::size_t>(r.retries);
            outcome.results[i] = std::move(r);
            ++done;
            if (--pending == 0) ticker.cancel();
            progress.update({done, to_check, client.in_flight(), client.queued(), {}});
        });
    }

    std::function<void()> tick = [&] {
        if (pending == 0) return;
        progress.update({done, to_check, client.in_flight(), client.queued(), {}});
        ticker.expires_after(std::chrono::milliseconds(500));
        ticker.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) tick();
        });
    };
    tick();
    io.run();
    progress.finish();

    for (const auto& stats : client.host_stats()) {
        HostSummary& h = hosts[stats.host];
        h.host = stats.host;
        h.requests = stats.requests_started;
        h.peak_in_flight = stats.peak_in_flight;
        h.rate_limited = stats.status_429 + stats.status_503;
        outcome.requests += stats.requests_started;
        outcome.rate_limited += h.rate_limited;
    }
    for (auto& [name, h] : hosts) {
        h.host = name;
        outcome.hosts.push_back(h);
    }
    outcome.shared_requests = checker.shared_requests();
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    apply_outage_guard(outcome, config.check.outage_threshold, config.check.outage_min_hosts);
    return outcome;
}

}  // namespace ah
