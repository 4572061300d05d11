// HttpEngine: runs many HTTP transfers at once on one io_context through one curl multi handle.
#pragma once

#include "ah/http.h"
#include "net/curl_handles.h"
#include "net/multi_loop.h"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <unordered_map>

namespace ah::net {

// What the politeness layer needs from an engine; tests may substitute a fake.
class HttpTransport {
  public:
    using DoneCallback = std::function<void(HttpResponse)>;
    virtual ~HttpTransport() = default;
    // Starts a request; `done` runs later on the io_context thread, never inline.
    virtual void start(HttpRequest request, DoneCallback done) = 0;
};

// The engine never follows redirects, caps bodies at HttpRequest::body_cap, aborts
// responses whose headers exceed max_response_header_bytes, and reports transport
// failures as HttpResponse::error (never as exceptions).
//
// Threading: construct, call start() and destroy on the thread that runs `io` (start()
// may also be called before io.run() begins). `io` must be run by that one thread only.
//
// Destruction: the destructor aborts every unfinished transfer and drops its callback.
// No callback is invoked once destruction has started, including completions that
// were already queued; destroy the engine only when you no longer need the answers.
class HttpEngine final : public HttpTransport {
  public:
    HttpEngine(boost::asio::io_context& io, EngineOptions options);
    ~HttpEngine() override;
    HttpEngine(const HttpEngine&) = delete;
    HttpEngine& operator=(const HttpEngine&) = delete;

    void start(HttpRequest request, DoneCallback done) override;

    // Requests started whose callback has not run yet.
    std::size_t in_flight() const { return in_flight_; }

    const EngineOptions& options() const { return options_; }

  private:
    struct Transfer;

    void finish(CURL* easy, CURLcode result);
    void deliver(DoneCallback done, HttpResponse response);
    CURLcode configure(Transfer& transfer) const;

    boost::asio::io_context& io_;
    EngineOptions options_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::size_t in_flight_ = 0;
    CurlSlist connect_to_;  // shared by all easy handles; outlive them
    CurlSlist resolve_;
    std::unordered_map<Transfer*, std::unique_ptr<Transfer>> transfers_;
    MultiLoop loop_;  // destroyed first: curl_multi_cleanup before anything else goes
};

// How a finished transfer's CURLcode is reported (before the body-cap and header-limit
// special cases of CURLE_WRITE_ERROR, which the engine resolves itself).
TransportError transport_error_of(CURLcode code);

}  // namespace ah::net
