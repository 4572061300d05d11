// Test servers run inside the test process, which starts the tool as a child: their
// listening and accepted sockets must not leak into it (Asio opens them without
// SOCK_CLOEXEC), or the child holds the server's ports and its descriptor counts are off.
#pragma once

#include <fcntl.h>

namespace ah::testing {

inline void close_on_exec(int fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

}  // namespace ah::testing
