// PoliteClient: the per-host queues, the ready list and the timers that pace them.
//
// A host is in one of three situations: it has nothing to start (empty queue or at its
// in-flight limit: it is reconsidered when a request finishes or is submitted), it may
// start now (it sits in ready_ until the global limit lets it), or it must wait for a
// time (its own timer is armed for that time). pump() walks ready_ round-robin: a host
// that started a request goes to the back, so hosts take turns.
#include "net/host_policy.h"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

namespace ah::net {

namespace asio = boost::asio;

struct PoliteClient::Host {
    Host(asio::io_context& io, std::string host_name) : timer(io) {
        stats.host = std::move(host_name);
    }

    int limit = default_host_in_flight;
    std::chrono::milliseconds interval = default_host_min_interval;
    std::deque<Waiting> queue;
    int in_flight = 0;
    std::optional<Clock::time_point> last_start;
    Clock::time_point slowed_until{};
    asio::steady_timer timer;
    std::optional<Clock::time_point> timer_at;  // set while the timer is armed
    bool in_ready = false;
    HostStats stats;
};

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string host_key(std::string_view url) {
    // curl's own URL parser, so the key matches the host curl will connect to.
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
    if (!handle) return {};
    if (curl_url_set(handle.get(), CURLUPART_URL, std::string(url).c_str(),
                     CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        return {};
    }
    char* host = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr)
        return {};
    std::string key = lower(host);
    curl_free(host);
    return key;
}

PoliteClient::PoliteClient(asio::io_context& io, HttpTransport& transport,
                           PolitenessOptions options)
    : io_(io), transport_(transport), options_(std::move(options)) {
    std::map<std::string, HostOverride> lowered;
    for (auto& [name, override_] : options_.overrides) lowered[lower(name)] = override_;
    options_.overrides = std::move(lowered);
}

PoliteClient::~PoliteClient() {
    *alive_ = false;
}

PoliteClient::Host& PoliteClient::host(const std::string& key) {
    auto& slot = hosts_[key];
    if (!slot) {
        slot = std::make_unique<Host>(io_, key);
        slot->limit = host_limit(key);
        slot->interval = options_.min_interval;
        if (auto it = options_.overrides.find(key); it != options_.overrides.end())
            slot->interval = it->second.min_interval.value_or(slot->interval);
    }
    return *slot;
}

int PoliteClient::host_limit(const std::string& key) const {
    int limit = options_.host_in_flight;
    if (auto it = options_.overrides.find(key); it != options_.overrides.end())
        limit = it->second.in_flight.value_or(limit);
    return std::max(limit, 1);
}

void PoliteClient::submit(HttpRequest request, DoneCallback done) {
    Host& target = host(host_key(request.url));
    target.queue.push_back({std::move(request), std::move(done), Clock::now()});
    ++queued_;
    consider(target);
    pump();
}

void PoliteClient::slow_down(std::string_view host_name, Clock::time_point until) {
    Host& target = host(lower(host_name));
    ++target.stats.slow_downs;
    target.slowed_until = std::max(target.slowed_until, until);
    consider(target);
}

void PoliteClient::note_status(std::string_view host_name, long status) {
    Host& target = host(lower(host_name));
    if (status == 429) ++target.stats.status_429;
    if (status == 503) ++target.stats.status_503;
}

std::vector<HostStats> PoliteClient::host_stats() const {
    std::vector<HostStats> out;
    out.reserve(hosts_.size());
    for (const auto& [key, entry] : hosts_) out.push_back(entry->stats);  // std::map: sorted
    return out;
}

PoliteClient::Clock::time_point PoliteClient::earliest_start(const Host& target) const {
    Clock::time_point at = target.slowed_until;
    if (target.last_start) at = std::max(at, *target.last_start + target.interval);
    return at;
}

void PoliteClient::consider(Host& target) {
    if (target.queue.empty() || target.in_flight >= target.limit) return;
    const auto at = earliest_start(target);
    if (at > Clock::now()) return arm_timer(target, at);
    if (!target.in_ready) {
        target.in_ready = true;
        ready_.push_back(&target);
    }
}

void PoliteClient::arm_timer(Host& target, Clock::time_point at) {
    if (target.timer_at && *target.timer_at <= at) return;  // an earlier wake-up re-checks anyway
    target.timer_at = at;
    target.timer.expires_at(at);
    target.timer.async_wait([this, alive = alive_, &target](const boost::system::error_code& ec) {
        if (ec || !*alive) return;
        target.timer_at.reset();
        consider(target);
        pump();
    });
}

void PoliteClient::pump() {
    while (in_flight_ < options_.max_in_flight && !ready_.empty()) {
        Host& next = *ready_.front();
        ready_.pop_front();
        next.in_ready = false;
        if (next.queue.empty() || next.in_flight >= next.limit) continue;
        const auto now = Clock::now();
        if (const auto at = earliest_start(next); at > now) {
            arm_timer(next, at);  // slowed down while it was waiting for its turn
            continue;
        }
        launch(next, now);
        consider(next);  // back of the line if it may start another one
    }
}

void PoliteClient::launch(Host& target, Clock::time_point now) {
    Waiting waiting = std::move(target.queue.front());
    target.queue.pop_front();
    --queued_;
    ++target.in_flight;
    ++in_flight_;
    target.last_start = now;
    target.stats.requests_started += 1;
    target.stats.peak_in_flight = std::max(target.stats.peak_in_flight, target.in_flight);
    target.stats.total_wait +=
        std::chrono::duration_cast<std::chrono::milliseconds>(now - waiting.submitted);

    transport_.start(
        std::move(waiting.request),
        [this, alive = alive_, &target, done = std::move(waiting.done)](HttpResponse response) {
            if (!*alive) return;
            --target.in_flight;
            --in_flight_;
            target.stats.requests_finished += 1;
            consider(target);
            if (done) done(std::move(response));  // may submit, or even destroy us
            if (*alive) pump();
        });
}

}  // namespace ah::net
