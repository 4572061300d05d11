// MultiLoop: the bridge between libcurl's multi_socket callbacks and Boost.Asio waits.
//
// Why the code looks the way it does:
// - curl may call the socket and timer callbacks from inside any curl_multi_* call, so
//   the callbacks only record what curl wants and schedule work on the io_context; the
//   only curl call they make is curl_multi_assign, which curl documents for exactly this.
// - We only ever wait for readiness (async_wait) and tell curl; reading and writing are
//   curl's business. Asio's epoll registration is edge-triggered, but starting a wait
//   on a descriptor with no wait of that kind queued re-arms it (EPOLL_CTL_MOD in
//   Boost 1.74's epoll_reactor::start_op), so a wait on a socket that is already ready
//   (bytes curl left unread) completes at once rather than sleeping until the next
//   edge. One wait per direction is kept at a time.
// - A wait handler may run after curl has removed the socket, or after curl closed it
//   and reused the same fd number for a new one. Handlers therefore hold the
//   SocketWatch (shared_ptr) they were armed for and check its `alive` flag, never
//   look the fd up again.
#include "net/multi_loop.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ah::net {

namespace asio = boost::asio;

struct MultiLoop::SocketWatch {
    SocketWatch(asio::io_context& io, curl_socket_t socket_fd) : fd(socket_fd), descriptor(io) {}

    curl_socket_t fd;
    asio::posix::stream_descriptor descriptor;  // borrows curl's fd: released, never closed
    int wanted = 0;                             // CURL_POLL_IN | CURL_POLL_OUT
    bool read_pending = false;                  // a read wait is queued
    bool write_pending = false;
    bool alive = true;  // false once curl said CURL_POLL_REMOVE
};

MultiLoop::MultiLoop(asio::io_context& io, DoneHandler on_done)
    : io_(io), on_done_(std::move(on_done)), timer_(io), multi_(curl_multi_init()) {
    if (!multi_) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &MultiLoop::on_socket);
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &MultiLoop::on_timer);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
}

MultiLoop::~MultiLoop() {
    *alive_ = false;
    closing_ = true;
    timer_.cancel();
    // Rule 6: the multi handle goes first. curl_multi_cleanup closes cached connections
    // and may still call on_socket(CURL_POLL_REMOVE), which needs watches_ to exist.
    multi_.reset();
    for (auto& [fd, watch] : watches_) {
        watch->alive = false;
        boost::system::error_code ignored;
        watch->descriptor.cancel(ignored);
        watch->descriptor.release();
    }
    watches_.clear();
}

CURLMcode MultiLoop::add(CURL* easy) {
    return curl_multi_add_handle(multi_.get(), easy);
}

CURLMcode MultiLoop::remove(CURL* easy) {
    return curl_multi_remove_handle(multi_.get(), easy);
}

int MultiLoop::on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* self, void* watch) {
    return static_cast<MultiLoop*>(self)->update_watch(fd, what, static_cast<SocketWatch*>(watch));
}

int MultiLoop::update_watch(curl_socket_t fd, int what, SocketWatch* raw_watch) {
    // raw_watch is only ever compared, never dereferenced: watches_ decides what is alive.
    if (what == CURL_POLL_REMOVE) {
        if (auto it = watches_.find(fd); it != watches_.end()) forget_watch(it->second.get());
        return 0;
    }
    if (closing_) return 0;

    std::shared_ptr<SocketWatch> watch;
    if (auto it = watches_.find(fd); it != watches_.end()) {
        if (it->second.get() == raw_watch) {
            watch = it->second;
        } else {
            // curl closed a socket without telling us and the fd number came back:
            // drop the stale watch (deregistering it from epoll) before registering anew.
            forget_watch(it->second.get());
        }
    }
    if (!watch) {
        watch = std::make_shared<SocketWatch>(io_, fd);
        boost::system::error_code ec;
        watch->descriptor.assign(fd, ec);  // registers with epoll; any socket family is fine
        // Not expected for a socket; returning -1 makes curl fail every transfer of this
        // multi handle, which is the honest outcome when we cannot watch its sockets.
        if (ec) return -1;
        watches_[fd] = watch;
        curl_multi_assign(multi_.get(), fd, watch.get());
    }
    watch->wanted = what & CURL_POLL_INOUT;
    arm(watch);
    return 0;
}

void MultiLoop::forget_watch(SocketWatch* watch) {
    watch->alive = false;
    boost::system::error_code ignored;
    watch->descriptor.cancel(ignored);
    watch->descriptor.release();  // curl owns the fd and closes it itself
    if (auto it = watches_.find(watch->fd); it != watches_.end() && it->second.get() == watch) {
        watches_.erase(it);  // may destroy *watch: do not touch it after this line
    }
}

void MultiLoop::arm(const std::shared_ptr<SocketWatch>& watch) {
    if (!watch->alive || closing_) return;
    auto alive = alive_;
    if ((watch->wanted & CURL_POLL_IN) != 0 && !watch->read_pending) {
        watch->read_pending = true;
        watch->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                     [this, alive, watch](const boost::system::error_code& ec) {
                                         if (!*alive) return;
                                         watch->read_pending = false;
                                         if (ec == asio::error::operation_aborted) return;
                                         on_ready(watch, ec ? CURL_CSELECT_ERR : CURL_CSELECT_IN);
                                     });
    }
    if ((watch->wanted & CURL_POLL_OUT) != 0 && !watch->write_pending) {
        watch->write_pending = true;
        watch->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                     [this, alive, watch](const boost::system::error_code& ec) {
                                         if (!*alive) return;
                                         watch->write_pending = false;
                                         if (ec == asio::error::operation_aborted) return;
                                         on_ready(watch, ec ? CURL_CSELECT_ERR : CURL_CSELECT_OUT);
                                     });
    }
}

void MultiLoop::on_ready(const std::shared_ptr<SocketWatch>& watch, int select_bits) {
    if (!watch->alive) return;
    // curl may have changed its mind about this direction since the wait was armed.
    int wanted_bits = CURL_CSELECT_ERR;
    if ((watch->wanted & CURL_POLL_IN) != 0) wanted_bits |= CURL_CSELECT_IN;
    if ((watch->wanted & CURL_POLL_OUT) != 0) wanted_bits |= CURL_CSELECT_OUT;
    select_bits &= wanted_bits;
    if (select_bits != 0) {
        auto alive = alive_;
        socket_action(watch->fd, select_bits);
        if (!*alive) return;
    }
    // socket_action may have removed the socket, changed what it wants, or re-armed it
    // through on_socket already; arm() only adds the waits still wanted and missing.
    if (watch->alive) arm(watch);
}

int MultiLoop::on_timer(CURLM* /*multi*/, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<MultiLoop*>(self_ptr);
    if (self->closing_) return 0;
    if (timeout_ms < 0) {
        self->timer_.cancel();
        return 0;
    }
    auto alive = self->alive_;
    if (timeout_ms == 0) {
        // Rule 2: never call curl from inside its own callback; run it from the loop.
        self->timer_.cancel();
        asio::post(self->io_, [self, alive] {
            if (*alive) self->on_timeout();
        });
        return 0;
    }
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));  // cancels the old wait
    self->timer_.async_wait([self, alive](const boost::system::error_code& ec) {
        if (ec || !*alive) return;
        self->on_timeout();
    });
    return 0;
}

void MultiLoop::on_timeout() {
    socket_action(CURL_SOCKET_TIMEOUT, 0);
}

void MultiLoop::socket_action(curl_socket_t fd, int select_bits) {
    int running = 0;
    curl_multi_socket_action(multi_.get(), fd, select_bits, &running);
    drain_finished();
}

void MultiLoop::drain_finished() {
    // Rule 5: copy every message out first; curl invalidates them once a handle is removed.
    std::vector<std::pair<CURL*, CURLcode>> finished;
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
        if (message->msg == CURLMSG_DONE)
            finished.emplace_back(message->easy_handle, message->data.result);
    }
    auto alive = alive_;
    for (const auto& [easy, result] : finished) {
        on_done_(easy, result);
        if (!*alive) return;
    }
}

}  // namespace ah::net
