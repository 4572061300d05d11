// Progress line rendering (see progress.h).
#include "progress.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace ah {

ProgressMode progress_mode(const std::string& setting, int fd) {
    if (setting == "never") return ProgressMode::off;
    if (setting == "always") return ProgressMode::live;
    const char* term = std::getenv("TERM");
    const bool terminal = ::isatty(fd) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
    return terminal ? ProgressMode::live : ProgressMode::periodic;
}

ProgressReporter::ProgressReporter(ProgressMode mode, std::FILE* out) : mode_(mode), out_(out) {}

void ProgressReporter::update(const ProgressState& s) {
    if (mode_ == ProgressMode::off) return;
    const auto now = std::chrono::steady_clock::now();
    const auto interval = mode_ == ProgressMode::live ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
    if (now - last_print_ < interval && s.done != s.total) return;
    if (mode_ == ProgressMode::periodic && last_print_ == std::chrono::steady_clock::time_point{} &&
        now - start_ < interval)
        return;  // a short run prints nothing but its summary
    last_print_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(s.done) / seconds : 0;
    std::string eta = "-";
    if (rate > 0 && s.total > s.done) eta = fmt::format("{:.0f}s", static_cast<double>(s.total - s.done) / rate);
    std::string slow;
    for (std::size_t i = 0; i < s.slow_hosts.size() && i < 3; ++i) slow += (i ? ", " : " slow: ") + s.slow_hosts[i];
    const std::string line = fmt::format("checked {}/{}  in flight {}  queued {}  {:.1f}/s  ETA {}{}", s.done, s.total,
                                         s.in_flight, s.queued, rate, eta, slow);
    if (mode_ == ProgressMode::live) {
        fmt::print(out_, "\r\x1b[2K{}", line);
        line_shown_ = true;
    } else {
        fmt::print(out_, "{}\n", line);
    }
    std::fflush(out_);
}

void ProgressReporter::finish() {
    if (line_shown_) {
        fmt::print(out_, "\r\x1b[2K");
        std::fflush(out_);
        line_shown_ = false;
    }
}

}  // namespace ah
