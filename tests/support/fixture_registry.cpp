// Route lookup, token-bucket and concurrency limits, and hit bookkeeping for the fixture server.
#include "support/fixture_registry.h"

#include <algorithm>

namespace ah::testing {

InFlightSlot& InFlightSlot::operator=(InFlightSlot&& other) noexcept {
    if (this != &other) {
        release();
        registry_ = std::exchange(other.registry_, nullptr);
        host_ = std::move(other.host_);
    }
    return *this;
}

void InFlightSlot::release() {
    if (registry_ != nullptr) std::exchange(registry_, nullptr)->leave(host_);
}

void FixtureRegistry::set_route(std::string host, std::string path, std::string method,
                                Handler handler) {
    std::lock_guard lock(mutex_);
    routes_[{std::move(host), std::move(path), std::move(method)}] = std::move(handler);
}

void FixtureRegistry::set_limits(std::string host, HostLimits limits) {
    std::lock_guard lock(mutex_);
    auto& state = hosts_[std::move(host)];
    state.limits = limits;
    // A fresh bucket starts full so the first burst of a test is never refused.
    state.tokens = std::max(1.0, limits.max_per_second);
    state.refilled_at = Clock::now();
}

// Host specificity beats path specificity beats method specificity; a HEAD request falls
// back to the GET route (the server then strips the body), so tests register GET once and
// get HEAD for free. The "*" host serves every host that has no route of its own.
const Handler* FixtureRegistry::find_route(const RecordedRequest& request) const {
    std::vector<std::string> methods = {request.method};
    if (request.method == "HEAD") methods.push_back("GET");
    methods.push_back("*");
    for (const std::string& host : {request.host, std::string("*")}) {
        for (const std::string& path : {request.path, std::string("*")}) {
            for (const auto& method : methods) {
                auto it = routes_.find({host, path, method});
                if (it != routes_.end()) return &it->second;
            }
        }
    }
    return nullptr;
}

bool FixtureRegistry::take_token(HostState& state, Clock::time_point now) {
    const double rate = state.limits->max_per_second;
    const std::chrono::duration<double> elapsed = now - state.refilled_at;
    state.tokens = std::min(std::max(1.0, rate), state.tokens + elapsed.count() * rate);
    state.refilled_at = now;
    if (state.tokens < 1.0) return false;
    state.tokens -= 1.0;
    return true;
}

Admission FixtureRegistry::admit(const RecordedRequest& request) {
    std::lock_guard lock(mutex_);
    auto& state = hosts_[request.host];
    ++total_hits_;
    ++state.hits;
    ++state.hits_by_path_method[{request.path, request.method}];
    state.requests.push_back(request);

    Admission admission;
    if (state.limits) {
        const HostLimits& limits = *state.limits;
        const bool too_many =
            limits.max_concurrent > 0 && state.in_flight >= limits.max_concurrent;
        // Only admitted requests spend a token, as with a real server's leaky bucket.
        const bool too_fast = !too_many && limits.max_per_second > 0 &&
                              !take_token(state, request.at);
        if (too_many || too_fast) {
            ++state.rejected;
            Reply reply;
            reply.status = 429;
            reply.headers = {{"Retry-After", std::to_string(limits.retry_after_seconds)},
                             {"Content-Type", "text/plain"}};
            reply.body = "fixture server: rate limited\n";
            admission.immediate = std::move(reply);
            return admission;
        }
    }

    ++state.in_flight;
    state.peak = std::max(state.peak, state.in_flight);
    admission.slot = InFlightSlot(this, request.host);
    if (const Handler* handler = find_route(request)) {
        admission.handler = *handler;
    } else {
        Reply reply;
        reply.status = 404;
        reply.headers = {{"Content-Type", "text/plain"}};
        reply.body = "fixture server: no route for " + request.method + " " + request.host +
                     request.path + "\n";
        admission.immediate = std::move(reply);
    }
    return admission;
}

void FixtureRegistry::leave(const std::string& host) {
    std::lock_guard lock(mutex_);
    auto it = hosts_.find(host);
    if (it != hosts_.end()) --it->second.in_flight;
}

const FixtureRegistry::HostState* FixtureRegistry::find_host(std::string_view host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? nullptr : &it->second;
}

std::size_t FixtureRegistry::hits(std::string_view host) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    return state ? state->hits : 0;
}

std::size_t FixtureRegistry::hits(std::string_view host, std::string_view path) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    if (!state) return 0;
    std::size_t total = 0;
    for (const auto& [key, count] : state->hits_by_path_method) {
        if (std::get<0>(key) == path) total += count;
    }
    return total;
}

std::size_t FixtureRegistry::hits(std::string_view host, std::string_view path,
                                  std::string_view method) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    if (!state) return 0;
    auto it = state->hits_by_path_method.find({std::string(path), std::string(method)});
    return it == state->hits_by_path_method.end() ? 0 : it->second;
}

int FixtureRegistry::peak_concurrency(std::string_view host) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    return state ? state->peak : 0;
}

std::size_t FixtureRegistry::rejected_429(std::string_view host) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    return state ? state->rejected : 0;
}

std::vector<RecordedRequest> FixtureRegistry::requests(std::string_view host) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    return state ? state->requests : std::vector<RecordedRequest>{};
}

std::size_t FixtureRegistry::total_hits() const {
    std::lock_guard lock(mutex_);
    return total_hits_;
}

void FixtureRegistry::count_connection() {
    std::lock_guard lock(mutex_);
    ++connections_;
}

std::size_t FixtureRegistry::connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
}

void FixtureRegistry::count_sent(const std::string& host, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    hosts_[host].bytes_sent += bytes;
}

std::uint64_t FixtureRegistry::bytes_sent(std::string_view host) const {
    std::lock_guard lock(mutex_);
    const HostState* state = find_host(host);
    return state ? state->bytes_sent : 0;
}

void FixtureRegistry::reset_stats() {
    std::lock_guard lock(mutex_);
    total_hits_ = 0;
    connections_ = 0;
    for (auto& [host, state] : hosts_) {
        state.hits = 0;
        state.hits_by_path_method.clear();
        state.rejected = 0;
        state.bytes_sent = 0;
        state.requests.clear();
        // Requests still being handled stay in flight; the peak restarts from them.
        state.peak = state.in_flight;
    }
}

}  // namespace ah::testing
