// PoliteClient: per-host politeness above the HTTP engine (in-flight limits, start
// spacing, slow-down after 429/503) with per-host statistics for the run summary.
#pragma once

#include "ah/http.h"
#include "net/http_engine.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ah::net {

inline constexpr int default_max_in_flight = 128;
inline constexpr int default_host_in_flight = 8;
inline constexpr std::chrono::milliseconds default_host_min_interval{50};

// Per-host exceptions to PolitenessOptions; unset fields take the general value.
struct HostOverride {
    std::optional<int> in_flight;
    std::optional<std::chrono::milliseconds> min_interval;
};

struct PolitenessOptions {
    int max_in_flight = default_max_in_flight;    // over all hosts
    int host_in_flight = default_host_in_flight;  // per host
    std::chrono::milliseconds min_interval =
        default_host_min_interval;                  // between starts to one host
    std::map<std::string, HostOverride> overrides;  // keyed by lower-cased host name
};

// What happened to one host during a run.
struct HostStats {
    std::string host;
    std::uint64_t requests_started = 0;
    std::uint64_t requests_finished = 0;
    int peak_in_flight = 0;
    std::uint64_t status_429 = 0;  // as told through note_status
    std::uint64_t status_503 = 0;
    std::uint64_t slow_downs = 0;
    std::chrono::milliseconds total_wait{0};  // summed over requests: submit → start
};

// Lower-cased host name of an absolute URL ("" when it has none); the politeness key.
std::string host_key(std::string_view url);

// Queues requests per host (FIFO) and starts them on the transport when the global
// limit, the host's in-flight limit, its minimum start interval and any slow-down
// allow. Hosts that may start take turns (a ready list), so one slow or throttled host
// never holds up the others. Waiting uses one steady_timer per waiting host; nothing polls.
//
// Threading and lifetime are the transport's: use it on the io_context thread; `done`
// runs there, never inline from submit(). Destroying the client drops the callbacks of
// queued and unfinished requests without calling them. The transport must outlive it.
class PoliteClient {
  public:
    using Clock = std::chrono::steady_clock;
    using DoneCallback = HttpTransport::DoneCallback;

    PoliteClient(boost::asio::io_context& io, HttpTransport& transport,
                 PolitenessOptions options = {});
    ~PoliteClient();
    PoliteClient(const PoliteClient&) = delete;
    PoliteClient& operator=(const PoliteClient&) = delete;

    void submit(HttpRequest request, DoneCallback done);

    // No request to `host` starts before `until` (e.g. computed from Retry-After);
    // a later call can only push the time further out.
    void slow_down(std::string_view host, Clock::time_point until);

    // Counts 429 and 503 answers in the host's statistics.
    void note_status(std::string_view host, long status);

    std::vector<HostStats> host_stats() const;  // sorted by host name
    // How many requests to `host` (a host_key) may be in flight at once: its override, else
    // the default, at least 1.
    int host_limit(const std::string& host) const;
    std::size_t queued() const { return queued_; }
    std::size_t in_flight() const { return static_cast<std::size_t>(in_flight_); }

  private:
    struct Waiting {
        HttpRequest request;
        DoneCallback done;
        Clock::time_point submitted;
    };
    struct Host;

    Host& host(const std::string& key);
    Clock::time_point earliest_start(const Host& host) const;
    void consider(Host& host);
    void arm_timer(Host& host, Clock::time_point at);
    void pump();
    void launch(Host& host, Clock::time_point now);

    boost::asio::io_context& io_;
    HttpTransport& transport_;
    PolitenessOptions options_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::map<std::string, std::unique_ptr<Host>> hosts_;
    std::deque<Host*> ready_;  // hosts that may start a request now, in turn order
    int in_flight_ = 0;
    std::size_t queued_ = 0;
};

}  // namespace ah::net
