// Process runner for CLI tests: fork/exec with pipes, poll-driven capture, bounded by a timeout.
#include "support/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ah::testing {

namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    }
    ~Pipe() { close_both(); }
    void close_read() { if (fd[0] >= 0) ::close(fd[0]); fd[0] = -1; }
    void close_write() { if (fd[1] >= 0) ::close(fd[1]); fd[1] = -1; }
    void close_both() { close_read(); close_write(); }
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options,
                          const ProcessControl& control) {
    Pipe out_pipe, err_pipe;
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    for (const auto& extra : options.extra_env) {
        // An extra variable replaces one of the same name (getenv would find the first).
        const std::string prefix = extra.substr(0, extra.find('=') + 1);
        std::erase_if(env_strings, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
        env_strings.push_back(extra);
    }
    std::vector<char*> env_ptrs;
    for (auto& s : env_strings) env_ptrs.push_back(s.data());
    env_ptrs.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> arg_ptrs;
    for (auto& a : args) arg_ptrs.push_back(a.data());
    arg_ptrs.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe.fd[1], 1);
        ::dup2(err_pipe.fd[1], 2);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) ::_exit(127);
        if (control.file_size_limit) {
            ::signal(SIGXFSZ, SIG_IGN);  // an ignored disposition survives execve
            const rlimit limit{*control.file_size_limit, *control.file_size_limit};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
        }
        if (control.core_size_limit) {
            const rlimit limit{*control.core_size_limit, *control.core_size_limit};
            if (::setrlimit(RLIMIT_CORE, &limit) != 0) ::_exit(126);
        }
        if (control.run_as_uid) {
            const gid_t gid = *control.run_as_uid;
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(*control.run_as_uid) != 0) ::_exit(126);
        }
        ::execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
        ::_exit(127);
    }
    out_pipe.close_write();
    err_pipe.close_write();

    ProcessResult result;
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + options.timeout;
    std::optional<std::chrono::steady_clock::time_point> signal_at;
    if (control.signal_after) signal_at = started + *control.signal_after;
    pollfd fds[2] = {{out_pipe.fd[0], POLLIN, 0}, {err_pipe.fd[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        long wait_ms = std::min<long>(left.count(), 1000);
        if (signal_at) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= *signal_at) {
                ::kill(pid, control.signal_to_send);
                signal_at.reset();
            } else {
                wait_ms = std::min<long>(wait_ms, std::chrono::ceil<std::chrono::milliseconds>(*signal_at - now).count());
            }
        }
        const int ready = ::poll(fds, 2, static_cast<int>(wait_ms));
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else {
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

std::string tool_path() { return AH_BINARY; }

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ah-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace ah::testing
