// Progress on stderr while checking: a live line on a terminal, a plain line every 10 s
// otherwise, nothing when disabled.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace ah {

enum class ProgressMode { live, periodic, off };

// "auto" -> live on a terminal (unless TERM=dumb), periodic otherwise; "always" -> live.
ProgressMode progress_mode(const std::string& setting, int fd);

struct ProgressState {
    std::size_t done = 0;
    std::size_t total = 0;
    std::size_t in_flight = 0;
    std::size_t queued = 0;
    std::vector<std::string> slow_hosts;  // hosts with the most requests still in flight
};

class ProgressReporter {
public:
    ProgressReporter(ProgressMode mode, std::FILE* out);
    // Called often; prints only when it is time to.
    void update(const ProgressState& state);
    // Clears the live line.
    void finish();
    bool enabled() const { return mode_ != ProgressMode::off; }

private:
    ProgressMode mode_;
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_print_{};
    bool line_shown_ = false;
};

}  // namespace ah
