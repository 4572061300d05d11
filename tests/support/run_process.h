// Runs a program (no shell) with arguments, captures stdout/stderr and the exit status.
#pragma once

#include <csignal>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ah::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal or timed out
    std::string out;
    std::string err;
    bool timed_out = false;
    int signal = 0;  // the signal that ended it, if one did
};

struct ProcessOptions {
    std::string working_dir;                    // empty: the current one
    std::vector<std::string> extra_env;         // "NAME=value", added to (or replacing in) the environment
    std::chrono::milliseconds timeout{120000};  // killed (SIGKILL) after this
};

// What data-safety tests do to the child: a signal at a chosen moment, a full disk, another
// user. Apart from ProcessOptions so that `{dir, env}` initialisers elsewhere stay complete.
struct ProcessControl {
    // Sent `signal_to_send` after this long (a crash or kill -9 at a chosen moment); not a timeout.
    std::optional<std::chrono::microseconds> signal_after;
    int signal_to_send = SIGKILL;
    // RLIMIT_FSIZE for the child, with SIGXFSZ ignored: a write past it fails with EFBIG,
    // as a write to a full disk fails with ENOSPC.
    std::optional<std::uint64_t> file_size_limit;
    // RLIMIT_CORE for the child (0 unless the shell raised it).
    std::optional<std::uint64_t> core_size_limit;
    // Run as this user and group (root only): directory permissions then apply to the child.
    std::optional<unsigned> run_as_uid;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {},
                          const ProcessControl& control = {});

// The awesome-health binary built next to the tests.
std::string tool_path();

// A fresh temporary directory, removed with its content when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes `content` to file(name) and returns its path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace ah::testing
