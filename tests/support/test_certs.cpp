// Generates the test CA and server leaf by running the openssl CLI (fork/execvp, no shell).
#include "support/test_certs.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace ah::testing {

namespace {

// Closes an fd on scope exit; the pipe and log fds below must not leak on the error paths.
class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs `args` (args[0] looked up on PATH) with stdout/stderr appended to `log_path`.
// A CLOEXEC pipe carries execvp's errno back, so "openssl is not installed" is told apart
// from "openssl failed" without guessing from exit code 127.
void run_tool(const std::vector<std::string>& args, const std::string& log_path) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("test certs: pipe2 failed");
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);
    UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (log.get() < 0) throw std::runtime_error("test certs: cannot open " + log_path);

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("test certs: fork failed");
    if (pid == 0) {
        // Child of a possibly multi-threaded parent: only async-signal-safe calls until exec.
        ::dup2(log.get(), STDOUT_FILENO);
        ::dup2(log.get(), STDERR_FILENO);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::execvp(argv[0], argv.data());
        const int err = errno;
        [[maybe_unused]] auto n = ::write(write_end.get(), &err, sizeof err);
        ::_exit(127);
    }
    write_end.reset();
    int exec_errno = 0;
    ssize_t got;
    do {
        got = ::read(read_end.get(), &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }

    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        throw std::runtime_error("test certs: cannot run '" + args[0] + "' (" +
                                 std::strerror(exec_errno) +
                                 "); the fixture server needs the openssl CLI on PATH "
                                 "(Debian package 'openssl') to generate its TLS certificates");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string command;
        for (const auto& a : args) command += (command.empty() ? "" : " ") + a;
        throw std::runtime_error("test certs: '" + command + "' failed:\n" + read_text(log_path));
    }
}

// Our own config file keeps the result independent of the system openssl.cnf.
void write_config(const std::string& path, const std::vector<std::string>& names) {
    std::ofstream cfg(path);
    cfg << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = awesome-health test\n"
        << "[ca_ext]\nbasicConstraints = critical, CA:TRUE\n"
        << "keyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n"
        << "[leaf_ext]\nbasicConstraints = critical, CA:FALSE\n"
        << "keyUsage = critical, digitalSignature, keyEncipherment\n"
        << "extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\n"
        << "subjectAltName = DNS:localhost, IP:127.0.0.1";
    for (const auto& name : names) cfg << ", DNS:" << name;
    cfg << "\n";
    if (!cfg) throw std::runtime_error("test certs: cannot write " + path);
}

}  // namespace

const std::vector<std::string>& default_tls_names() {
    static const std::vector<std::string> names = {
        // Invented hosts for scenario tests.
        "alpha.test", "beta.test", "gamma.test", "delta.test", "slow.test", "api.github.test",
        "arxiv.test", "healthy.test",
        // Real hosts the curated lists link to, so fixtures can keep their URLs.
        "github.com", "api.github.com", "arxiv.org", "export.arxiv.org", "www.arxiv.org",
        "huggingface.co", "ieeexplore.ieee.org", "openaccess.thecvf.com", "proceedings.neurips.cc",
        "openreview.net", "www.mdpi.com", "www.sciencedirect.com", "archive.org", "img.shields.io",
        "cdn.rawgit.com", "clay-foundation.github.io", "vishalned.github.io",
        "jiupinjia.github.io", "gengchenmai.github.io", "vicentevivan.github.io",
        "captain-whu.github.io", "satinbenchmark.github.io", "vrsbench.github.io",
        "engine-aiearth.aliyun.com", "src.koda.cnrs.fr", "purl.stanford.edu", "vleo.danielz.ch",
        "coastalcarbon.ai", "ch.whu.edu.cn", "www.ygxb.ac.cn", "raw.githubusercontent.com"};
    return names;
}

TestCerts::~TestCerts() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

TestCerts::TestCerts(const TestCertsOptions& options) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ah-fixture-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("test certs: mkdtemp failed for " + pattern);
    }
    dir_ = pattern;
    ca_file_ = dir_ + "/ca.pem";
    cert_file_ = dir_ + "/leaf.pem";
    key_file_ = dir_ + "/leaf.key";
    const std::string config = dir_ + "/openssl.cnf";
    const std::string ca_key = dir_ + "/ca.key";
    const std::string csr = dir_ + "/leaf.csr";
    const std::string log = dir_ + "/openssl.log";
    const std::string days = std::to_string(options.validity_days);

    try {
        std::vector<std::string> names = default_tls_names();
        names.insert(names.end(), options.extra_names.begin(), options.extra_names.end());
        write_config(config, names);

        // P-256 keys: fast to generate, accepted by every TLS stack we test against.
        const std::vector<std::string> key_args = {"-newkey", "ec", "-pkeyopt",
                                                   "ec_paramgen_curve:prime256v1", "-nodes"};
        auto openssl = [&](std::vector<std::string> args, bool new_key) {
            args.insert(args.begin(), "openssl");
            if (new_key) args.insert(args.end(), key_args.begin(), key_args.end());
            run_tool(args, log);
        };
        openssl({"req", "-x509", "-config", config, "-extensions", "ca_ext", "-days", days,
                 "-subj", "/CN=awesome-health test CA", "-keyout", ca_key, "-out", ca_file_},
                true);
        if (options.self_signed_leaf) {
            openssl({"req", "-x509", "-config", config, "-extensions", "leaf_ext", "-days", days,
                     "-subj", "/CN=localhost", "-keyout", key_file_, "-out", cert_file_},
                    true);
        } else {
            openssl({"req", "-new", "-config", config, "-subj", "/CN=localhost", "-keyout",
                     key_file_, "-out", csr},
                    true);
            // A random serial: clients cache by issuer+serial, and every server makes a new CA.
            std::random_device entropy;
            const auto serial = std::to_string((std::uint64_t{entropy()} << 31) | entropy());
            openssl({"x509", "-req", "-in", csr, "-CA", ca_file_, "-CAkey", ca_key, "-set_serial",
                     serial, "-days", days, "-extfile", config, "-extensions", "leaf_ext", "-out",
                     cert_file_},
                    false);
        }
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

}  // namespace ah::testing
