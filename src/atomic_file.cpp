// write_file_atomically: mkstemp beside the target, write (streamed through a buffer), fsync,
// rename, fsync the directory.
#include "ah/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

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

Error io_error(const std::string& path, std::string what, int error_number) {
    return Error{ErrorKind::input, fmt::format("{}: {}", what, std::strerror(error_number)), {path, 0, 0},
                 "the previous file, if any, is unchanged"};
}

// Buffers what the producer writes and sends it to the temp file in large pieces; keeps
// the first write error (and writes nothing after it).
class FileSink final : public TextSink {
public:
    explicit FileSink(int fd) : fd_(fd) { buffer_.reserve(text_chunk_bytes); }

    void write(std::string_view text) override {
        if (error_ != 0) return;
        if (buffer_.size() + text.size() > text_chunk_bytes) {
            flush();
            if (text.size() >= text_chunk_bytes) return write_through(text);
        }
        buffer_.append(text);
    }

    // Sends what is buffered; false (and error() set) when the file refused it.
    bool flush() {
        write_through(buffer_);
        buffer_.clear();
        return error_ == 0;
    }

    int error() const { return error_; }

private:
    void write_through(std::string_view text) {
        const char* data = text.data();
        std::size_t left = text.size();
        while (left > 0 && error_ == 0) {
            const ssize_t n = ::write(fd_, data, left);
            if (n < 0) {
                if (errno != EINTR) error_ = errno;
                continue;
            }
            data += n;
            left -= static_cast<std::size_t>(n);
        }
    }

    int fd_;
    std::string buffer_;
    int error_ = 0;
};

std::string directory_of(const std::string& path) {
    const std::filesystem::path target(path);
    return target.has_parent_path() ? target.parent_path().string() : std::string(".");
}

// Writes what `produce` writes to a new temporary file beside `path`, flushed to disk;
// returns its name. On failure nothing is left behind.
Result<std::string> write_temp_beside(const std::string& path, const TextProducer& produce) {
    namespace fs = std::filesystem;
    const fs::path dir = directory_of(path);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{ErrorKind::input, fmt::format("cannot create directory: {}", ec.message()), {dir.string(), 0, 0}, ""};

    TempFile temp((dir / ("." + fs::path(path).filename().string() + ".tmp-XXXXXX")).string());
    if (temp.fd() < 0) return io_error(path, "cannot create a temporary file beside it", errno);
    FileSink sink(temp.fd());
    produce(sink);
    if (!sink.flush()) return io_error(path, "cannot write", sink.error());
    if (::fchmod(temp.fd(), 0644) != 0) return io_error(path, "cannot set permissions", errno);
    if (::fsync(temp.fd()) != 0) return io_error(path, "cannot flush to disk", errno);
    if (temp.close() != 0) return io_error(path, "cannot close", errno);
    std::string name = temp.path();
    temp.release();
    return name;
}

// The renames themselves must reach the disk too.
void sync_directory(const std::string& dir) {
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
}

}  // namespace

Status write_file_atomically(const std::string& path, const TextProducer& produce) {
    AtomicFileSet one;
    if (auto s = one.stage(path, produce); !s) return s;
    return one.commit();
}

Status write_file_atomically(const std::string& path, std::string_view content) {
    AtomicFileSet one;
    if (auto s = one.stage(path, content); !s) return s;
    return one.commit();
}

AtomicFileSet::~AtomicFileSet() {
    for (const auto& s : staged_) ::unlink(s.temp.c_str());
}

Status AtomicFileSet::stage(const std::string& path, const TextProducer& produce) {
    auto temp = write_temp_beside(path, produce);
    if (!temp) return temp.error();
    staged_.push_back({path, std::move(*temp)});
    return Ok{};
}

Status AtomicFileSet::stage(const std::string& path, std::string_view content) {
    return stage(path, [content](TextSink& out) { out.write(content); });
}

Status AtomicFileSet::commit() {
    std::vector<Staged> staged = std::move(staged_);
    staged_.clear();
    for (std::size_t i = 0; i < staged.size(); ++i) {
        if (::rename(staged[i].temp.c_str(), staged[i].target.c_str()) != 0) {
            Error e = io_error(staged[i].target, "cannot replace", errno);
            for (std::size_t j = i; j < staged.size(); ++j) ::unlink(staged[j].temp.c_str());
            if (i > 0) e.hint = fmt::format("{} of {} files were replaced before this one", i, staged.size());
            return e;
        }
    }
    std::set<std::string> directories;  // the reports share one: flushed once
    for (const auto& s : staged) directories.insert(directory_of(s.target));
    for (const auto& dir : directories) sync_directory(dir);
    return Ok{};
}

}  // namespace ah
