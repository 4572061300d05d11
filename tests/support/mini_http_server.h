// MiniHttpServer: a small scripted HTTP/1.1 server on 127.0.0.1 for the engine's own tests.
//
// It runs its own io_context on its own thread. Every request is answered by a
// test-supplied handler (called on the server thread) that returns status, headers and
// body, or asks for a delay, a raw byte reply, a long streamed body, or no answer at all.
// It records each request's arrival and the peak number of requests in progress, in
// total and per Host header. The destructor stops the thread and closes every socket.
#pragma once

#include "ah/http.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ah::test {

struct MiniRequest {
    std::string method;
    std::string target;
    std::string host;    // Host header without the port, lower-cased
    HeaderList headers;  // names lower-cased
    std::string body;
    std::chrono::steady_clock::time_point arrived;
};

struct MiniResponse {
    int status = 200;
    std::string reason = "OK";
    HeaderList headers;
    std::string body;
    std::size_t streamed_body_bytes = 0;  // > 0: send this many bytes of filler instead of `body`
    std::chrono::milliseconds delay{0};   // wait this long before answering
    std::optional<std::string> raw;       // send these bytes verbatim, then close
    bool never_answer = false;  // keep the connection open, silent, until the client leaves
};

using MiniHandler = std::function<MiniResponse(const MiniRequest&)>;

class MiniHttpServer {
  public:
    explicit MiniHttpServer(MiniHandler handler);
    ~MiniHttpServer();
    MiniHttpServer(const MiniHttpServer&) = delete;
    MiniHttpServer& operator=(const MiniHttpServer&) = delete;

    unsigned short port() const { return port_; }
    // "http://127.0.0.1:<port><path>"; `host` replaces 127.0.0.1 (pair it with CURLOPT_RESOLVE).
    std::string url(std::string_view path, std::string_view host = "127.0.0.1") const;

    std::vector<MiniRequest> requests() const;
    int peak_in_progress() const;
    int peak_in_progress(const std::string& host) const;
    int responses_cut_short() const;  // streamed bodies whose client went away mid-way
    int open_connections() const;

  private:
    class Session;
    friend class Session;

    void accept_next();
    void note_arrival(const MiniRequest& request);
    void note_done(const std::string& host);
    void note_cut_short();
    void note_connection(int delta);

    MiniHandler handler_;

    mutable std::mutex mutex_;
    std::vector<MiniRequest> requests_;
    int in_progress_ = 0;
    int peak_ = 0;
    std::map<std::string, int> host_in_progress_;
    std::map<std::string, int> host_peak_;
    int cut_short_ = 0;
    int open_connections_ = 0;

    // Declared after the statistics: sessions destroyed with io_ still report to them.
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace ah::test
