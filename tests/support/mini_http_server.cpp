// MiniHttpServer: one Session per connection reads a request head (and body), asks the
// handler what to do, and answers; keep-alive connections loop for the next request.
#include "support/mini_http_server.h"
#include "support/close_on_exec.h"

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <istream>
#include <sstream>

namespace ah::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

constexpr std::size_t filler_chunk = 64 * 1024;

}  // namespace

class MiniHttpServer::Session : public std::enable_shared_from_this<Session> {
  public:
    Session(MiniHttpServer& server, tcp::socket socket)
        : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {
        server_.note_connection(+1);
    }
    ~Session() { server_.note_connection(-1); }

    void read_head() {
        asio::async_read_until(
            socket_, buffer_, "\r\n\r\n",
            [self = shared_from_this()](boost::system::error_code ec, std::size_t head_bytes) {
                if (!ec) self->parse_head(head_bytes);
            });
    }

  private:
    void parse_head(std::size_t head_bytes) {
        std::string head(asio::buffers_begin(buffer_.data()),
                         asio::buffers_begin(buffer_.data()) + head_bytes);
        buffer_.consume(head_bytes);
        std::istringstream lines(head);
        std::string line;
        std::getline(lines, line);
        std::istringstream request_line(line);
        request_ = {};
        request_line >> request_.method >> request_.target;
        std::size_t content_length = 0;
        close_after_ = false;
        while (std::getline(lines, line)) {
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = lower(trim(line.substr(0, colon)));
            std::string value = trim(line.substr(colon + 1));
            if (name == "content-length") content_length = std::stoul(value);
            if (name == "connection" && lower(value) == "close") close_after_ = true;
            if (name == "host") request_.host = lower(value.substr(0, value.rfind(':')));
            request_.headers.emplace_back(std::move(name), std::move(value));
        }
        const std::size_t buffered = std::min(content_length, buffer_.size());
        const std::size_t missing = content_length - buffered;
        asio::async_read(
            socket_, buffer_, asio::transfer_exactly(missing),
            [self = shared_from_this(), content_length](boost::system::error_code ec, std::size_t) {
                if (ec) return;
                auto data = self->buffer_.data();
                self->request_.body.assign(asio::buffers_begin(data),
                                           asio::buffers_begin(data) + content_length);
                self->buffer_.consume(content_length);
                self->dispatch();
            });
    }

    void dispatch() {
        request_.arrived = std::chrono::steady_clock::now();
        server_.note_arrival(request_);
        response_ = server_.handler_(request_);
        if (response_.never_answer) {
            // Stay silent; the session ends when the client gives up or the server stops.
            socket_.async_read_some(
                asio::buffer(scratch_),
                [self = shared_from_this()](boost::system::error_code, std::size_t) {
                    self->server_.note_done(self->request_.host);
                });
            return;
        }
        timer_.expires_after(response_.delay);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->answer();
        });
    }

    void answer() {
        if (response_.raw) {
            asio::async_write(socket_, asio::buffer(*response_.raw),
                              [self = shared_from_this()](boost::system::error_code, std::size_t) {
                                  self->server_.note_done(self->request_.host);
                                  boost::system::error_code ignored;
                                  self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                              });
            return;
        }
        const bool head_only = request_.method == "HEAD";
        const std::size_t length = response_.streamed_body_bytes > 0 ? response_.streamed_body_bytes
                                                                     : response_.body.size();
        std::ostringstream out;
        out << "HTTP/1.1 " << response_.status << ' ' << response_.reason << "\r\n";
        bool has_length = false;
        for (const auto& [name, value] : response_.headers) {
            out << name << ": " << value << "\r\n";
            has_length = has_length || lower(name) == "content-length";
        }
        if (!has_length) out << "Content-Length: " << length << "\r\n";
        if (close_after_) out << "Connection: close\r\n";
        out << "\r\n";
        outgoing_ = out.str();
        if (!head_only && response_.streamed_body_bytes == 0) outgoing_ += response_.body;
        streamed_left_ = head_only ? 0 : response_.streamed_body_bytes;
        asio::async_write(socket_, asio::buffer(outgoing_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              if (ec) return self->finish(false);
                              self->stream_filler();
                          });
    }

    void stream_filler() {
        if (streamed_left_ == 0) return finish(true);
        if (filler_.empty()) filler_.assign(filler_chunk, 'x');
        const std::size_t now = std::min(streamed_left_, filler_.size());
        streamed_left_ -= now;
        asio::async_write(socket_, asio::buffer(filler_.data(), now),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              if (ec) {
                                  self->server_.note_cut_short();
                                  return self->finish(false);
                              }
                              self->stream_filler();
                          });
    }

    void finish(bool complete) {
        server_.note_done(request_.host);
        if (complete && !close_after_) return read_head();
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
    }

    MiniHttpServer& server_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    asio::streambuf buffer_;
    MiniRequest request_;
    MiniResponse response_;
    bool close_after_ = false;
    std::string outgoing_;
    std::string filler_;
    std::size_t streamed_left_ = 0;
    std::array<char, 4096> scratch_{};
};

MiniHttpServer::MiniHttpServer(MiniHandler handler)
    : handler_(std::move(handler)),
      acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    ah::testing::close_on_exec(acceptor_.native_handle());
    accept_next();
    thread_ = std::thread([this] { io_.run(); });
}

MiniHttpServer::~MiniHttpServer() {
    io_.stop();
    thread_.join();
    // Sessions still waiting are owned by their handlers; io_'s destructor destroys
    // those, which closes the sockets.
}

std::string MiniHttpServer::url(std::string_view path, std::string_view host) const {
    return "http://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
}

void MiniHttpServer::accept_next() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec) return;
        ah::testing::close_on_exec(socket.native_handle());
        std::make_shared<Session>(*this, std::move(socket))->read_head();
        accept_next();
    });
}

void MiniHttpServer::note_arrival(const MiniRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    peak_ = std::max(peak_, ++in_progress_);
    host_peak_[request.host] =
        std::max(host_peak_[request.host], ++host_in_progress_[request.host]);
}

void MiniHttpServer::note_done(const std::string& host) {
    std::lock_guard lock(mutex_);
    --in_progress_;
    --host_in_progress_[host];
}

void MiniHttpServer::note_cut_short() {
    std::lock_guard lock(mutex_);
    ++cut_short_;
}

void MiniHttpServer::note_connection(int delta) {
    std::lock_guard lock(mutex_);
    open_connections_ += delta;
}

std::vector<MiniRequest> MiniHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

int MiniHttpServer::peak_in_progress() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

int MiniHttpServer::peak_in_progress(const std::string& host) const {
    std::lock_guard lock(mutex_);
    auto it = host_peak_.find(host);
    return it == host_peak_.end() ? 0 : it->second;
}

int MiniHttpServer::responses_cut_short() const {
    std::lock_guard lock(mutex_);
    return cut_short_;
}

int MiniHttpServer::open_connections() const {
    std::lock_guard lock(mutex_);
    return open_connections_;
}

}  // namespace ah::test
