// write_file_atomically: mkstemp beside the target, write, fsync, rename, fsync the directory.
#include "ah/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace ah {

namespace {

// Owns a file descriptor (and, until released, the temp file's name).
class TempFile {
public:
    explicit TempFile(std::string pattern) : path_(std::move(pattern)) {
        fd_ = ::mkstemp(path_.data());
        if (fd_ < 0) path_.clear();
    }
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }
    void release() { path_.clear(); }  // renamed into place: nothing to unlink

private:
    std::string path_;
    int fd_ = -1;
};

Error io_error(const std::string& path, std::string what) {
    return Error{ErrorKind::input, fmt::format("{}: {}", what, std::strerror(errno)), {path, 0, 0},
                 "the previous file, if any, is unchanged"};
}

// Writes `content` to a new temporary file beside `path`, flushed to disk; returns its name.
Result<std::string> write_temp_beside(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{ErrorKind::input, fmt::format("cannot create directory: {}", ec.message()), {dir.string(), 0, 0}, ""};

    TempFile temp((dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string());
    if (temp.fd() < 0) return io_error(path, "cannot create a temporary file beside it");
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(temp.fd(), data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error(path, "cannot write");
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fchmod(temp.fd(), 0644) != 0) return io_error(path, "cannot set permissions");
    if (::fsync(temp.fd()) != 0) return io_error(path, "cannot flush to disk");
    if (temp.close() != 0) return io_error(path, "cannot close");
    std::string name = temp.path();
    temp.release();
    return name;
}

// The renames themselves must reach the disk too.
void sync_directory_of(const std::string& path) {
    const std::filesystem::path target(path);
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view content) {
    AtomicFileSet one;
    if (auto s = one.stage(path, content); !s) return s;
    return one.commit();
}

AtomicFileSet::~AtomicFileSet() {
    for (const auto& s : staged_) ::unlink(s.temp.c_str());
}

Status AtomicFileSet::stage(const std::string& path, std::string_view content) {
    auto temp = write_temp_beside(path, content);
    if (!temp) return temp.error();
    staged_.push_back({path, std::move(*temp)});
    return Ok{};
}

Status AtomicFileSet::commit() {
    std::vector<Staged> staged = std::move(staged_);
    staged_.clear();
    for (std::size_t i = 0; i < staged.size(); ++i) {
        if (::rename(staged[i].temp.c_str(), staged[i].target.c_str()) != 0) {
            Error e = io_error(staged[i].target, "cannot replace");
            for (std::size_t j = i; j < staged.size(); ++j) ::unlink(staged[j].temp.c_str());
            if (i > 0) e.hint = fmt::format("{} of {} files were replaced before this one", i, staged.size());
            return e;
        }
    }
    for (const auto& s : staged) sync_directory_of(s.target);
    return Ok{};
}

}  // namespace ah
