// WebChecker: one link's check as a small state machine over the polite HTTP client —
// HEAD then GET when HEAD is refused, redirects followed and recorded by us, retries
// with backoff where a retry can help, and the verdict from what was seen.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ah/config.h"
#include "ah/verdict.h"
#include "net/host_policy.h"
#include "retry.h"

namespace ah {

struct CheckSettings {
    std::chrono::milliseconds timeout{default_timeout_ms};
    std::chrono::milliseconds connect_timeout{default_connect_timeout_ms};
    int max_redirects = default_max_redirects;
    int max_retries = default_max_retries;
    std::chrono::milliseconds retry_base{500};
    std::chrono::milliseconds retry_max{30000};
    // A Retry-After longer than this is not waited for: the link is left "blocked".
    std::chrono::seconds max_retry_after{120};
    bool head_first = true;
    std::size_t get_body_cap = default_get_body_cap_bytes;
    std::vector<long> blocked_statuses = {401, 403, 418, 429, 999};
    std::map<std::string, HostOverride> hosts;
    bool exclude_private = false;  // filter.exclude_private, applied to every redirect hop
    unsigned seed = 0x5eed;

    static CheckSettings from(const Config& config);
};

class WebChecker {
public:
    using Done = std::function<void(CheckResult)>;

    WebChecker(boost::asio::io_context& io, net::PoliteClient& client, CheckSettings settings);
    ~WebChecker();
    WebChecker(const WebChecker&) = delete;
    WebChecker& operator=(const WebChecker&) = delete;

    // Checks `url`; `done` runs on the io_context thread with the verdict.
    void check(std::string url, Done done);

    // Requests answered from an earlier identical request instead of the network.
    std::size_t shared_requests() const { return shared_requests_; }

private:
    struct Job;
    struct Answer;
    using Waiter = std::function<void(const HttpResponse&)>;

    void send(const std::shared_ptr<Job>& job);
    void on_response(const std::shared_ptr<Job>& job, const HttpResponse& response);
    void retry_later(const std::shared_ptr<Job>& job, std::chrono::milliseconds delay);
    void finish(const std::shared_ptr<Job>& job, Verdict verdict, std::string error);
    void request(HttpRequest request, bool may_share, std::function<void(const HttpResponse&)> done);

    boost::asio::io_context& io_;
    net::PoliteClient& client_;
    CheckSettings settings_;
    Backoff backoff_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    // First attempts by "METHOD url": a URL reached by several redirect chains is
    // requested once per run. One answer is kept per distinct URL of the run, so it is
    // kept small (see Answer); requests still on their way collect their waiters.
    std::unordered_map<std::string, Answer> answered_;
    std::unordered_map<std::string, std::vector<Waiter>> in_flight_;
    // Hosts (host_key) that asked to wait longer than max_retry_after: until then, their
    // other links are not requested, and end as the one that was refused.
    struct Pause {
        long status = 0;
        Verdict verdict = Verdict::blocked;
        std::string why;
        std::chrono::steady_clock::time_point until;
    };
    std::unordered_map<std::string, Pause> paused_;
    std::size_t shared_requests_ = 0;
};

}  // namespace ah
