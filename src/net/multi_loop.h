// MultiLoop: drives one libcurl multi handle from one Boost.Asio io_context (multi_socket API).
//
// The bridge follows curl's event-loop rules (see STYLE.md and curl's multi-uv.c):
//  1. Every curl_* call on the multi handle happens on the io_context thread. The
//     io_context must be run by exactly one thread.
//  2. CURLMOPT_TIMERFUNCTION drives one steady_timer: -1 cancels it, 0 posts a
//     socket_action(CURL_SOCKET_TIMEOUT) to the io_context, never runs it inline.
//  3. CURLMOPT_SOCKETFUNCTION keeps a SocketWatch per socket (curl_multi_assign) and
//     waits for readiness with stream_descriptor::async_wait; it never reads. On
//     CURL_POLL_REMOVE the waits are cancelled and the fd released, never closed (it is
//     curl's). Handlers hold a shared_ptr to the watch and check its `alive` flag.
//  4. Every fd curl reports is accepted: IPv4, IPv6, resolver and Happy Eyeballs sockets.
//  5. After each socket_action, curl_multi_info_read is drained and the finished
//     transfers are copied out before anybody is told about them.
//  6. The destructor runs curl_multi_cleanup before the socket watches, the timer and
//     the io_context go away.
#pragma once

#include "net/curl_handles.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <unordered_map>

namespace ah::net {

class MultiLoop {
  public:
    // Called on the io_context thread, outside any curl callback, once per finished
    // transfer. It may remove (and clean up) the easy handle it is given.
    using DoneHandler = std::function<void(CURL* easy, CURLcode result)>;

    MultiLoop(boost::asio::io_context& io, DoneHandler on_done);
    // Removes nothing: the owner removes its easy handles first (curl requires that
    // before curl_multi_cleanup); then the multi handle is cleaned up, then the watches.
    ~MultiLoop();
    MultiLoop(const MultiLoop&) = delete;
    MultiLoop& operator=(const MultiLoop&) = delete;

    CURLM* multi() const { return multi_.get(); }

    // curl_multi_add_handle: the transfer starts from the io_context, never inline.
    CURLMcode add(CURL* easy);
    // curl_multi_remove_handle; the owner cleans the easy handle up afterwards.
    CURLMcode remove(CURL* easy);

    // Number of sockets curl currently asks us to watch (for tests and diagnostics).
    std::size_t watched_sockets() const { return watches_.size(); }

  private:
    struct SocketWatch;

    static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* watch);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);

    int update_watch(curl_socket_t fd, int what, SocketWatch* watch);
    void forget_watch(SocketWatch* watch);
    void arm(const std::shared_ptr<SocketWatch>& watch);
    void on_ready(const std::shared_ptr<SocketWatch>& watch, int select_bits);
    void on_timeout();
    void socket_action(curl_socket_t fd, int select_bits);
    void drain_finished();

    boost::asio::io_context& io_;
    DoneHandler on_done_;
    // Handlers posted or waiting in the io_context check this before touching `this`.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool closing_ = false;  // set while the destructor runs curl_multi_cleanup
    boost::asio::steady_timer timer_;
    std::unordered_map<curl_socket_t, std::shared_ptr<SocketWatch>> watches_;
    CurlMulti multi_;  // cleaned up explicitly in the destructor, before watches_ and timer_
};

}  // namespace ah::net
