// Thread-safe routing table, per-host limits and statistics of the fixture server (no I/O).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "support/fixture_types.h"

namespace ah::testing {

class FixtureRegistry;

// Marks one request of a host as "being handled" until destroyed; peak_concurrency() counts these.
class InFlightSlot {
public:
    InFlightSlot() = default;
    InFlightSlot(FixtureRegistry* registry, std::string host)
        : registry_(registry), host_(std::move(host)) {}
    InFlightSlot(InFlightSlot&& other) noexcept
        : registry_(std::exchange(other.registry_, nullptr)), host_(std::move(other.host_)) {}
    InFlightSlot& operator=(InFlightSlot&& other) noexcept;
    InFlightSlot(const InFlightSlot&) = delete;
    InFlightSlot& operator=(const InFlightSlot&) = delete;
    ~InFlightSlot() { release(); }
    void release();

private:
    FixtureRegistry* registry_ = nullptr;
    std::string host_;
};

// What the server should do with one request, decided under the registry's lock.
struct Admission {
    std::optional<Reply> immediate;  // 429 from the limiter or the 404 fallback
    Handler handler;                 // the route to run (outside the lock) when no immediate reply
    InFlightSlot slot;               // empty for rejected requests: they never count as in flight
};

class FixtureRegistry {
public:
    void set_route(std::string host, std::string path, std::string method, Handler handler);
    void set_limits(std::string host, HostLimits limits);

    // Records the request (every request counts as a hit, 429s and 404s included), applies the
    // host's limits and picks the route.
    Admission admit(const RecordedRequest& request);

    std::size_t hits(std::string_view host) const;
    std::size_t hits(std::string_view host, std::string_view path) const;
    std::size_t hits(std::string_view host, std::string_view path, std::string_view method) const;
    int peak_concurrency(std::string_view host) const;
    std::size_t rejected_429(std::string_view host) const;
    std::vector<RecordedRequest> requests(std::string_view host) const;
    std::size_t total_hits() const;
    void count_connection();
    std::size_t connections() const;
    // Bytes of responses (head and body) written to the host's clients.
    void count_sent(const std::string& host, std::uint64_t bytes);
    std::uint64_t bytes_sent(std::string_view host) const;
    // Forgets counters and recorded requests; routes, limits and sequence positions stay.
    void reset_stats();

private:
    friend class InFlightSlot;
    using Clock = std::chrono::steady_clock;

    struct HostState {
        std::map<std::tuple<std::string, std::string>, std::size_t> hits_by_path_method;
        std::size_t hits = 0;
        int in_flight = 0;
        int peak = 0;
        std::size_t rejected = 0;
        std::uint64_t bytes_sent = 0;
        std::vector<RecordedRequest> requests;
        std::optional<HostLimits> limits;
        double tokens = 0;
        Clock::time_point refilled_at{};
    };

    void leave(const std::string& host);
    bool take_token(HostState& state, Clock::time_point now);
    const Handler* find_route(const RecordedRequest& request) const;
    const HostState* find_host(std::string_view host) const;

    mutable std::mutex mutex_;
    // Keyed by (host or "*", path or "*", method or "*").
    std::map<std::tuple<std::string, std::string, std::string>, Handler> routes_;
    std::map<std::string, HostState, std::less<>> hosts_;
    std::size_t total_hits_ = 0;
    std::size_t connections_ = 0;
};

}  // namespace ah::testing
