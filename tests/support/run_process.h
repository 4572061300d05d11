// Runs a program (no shell) with arguments, captures stdout/stderr and the exit status.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ah::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal or timed out
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct ProcessOptions {
    std::string working_dir;                    // empty: the current one
    std::vector<std::string> extra_env;         // "NAME=value", added to the environment
    std::chrono::milliseconds timeout{120000};  // killed (SIGKILL) after this
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

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
