// PoliteTransport: a PoliteClient seen as an HttpTransport, so that stages written against
// the transport interface (the GitHub client) share the run's politeness policy and stats.
#pragma once

#include "net/host_policy.h"
#include "net/http_engine.h"

namespace ah::net {

// Forwards start() to PoliteClient::submit(); the client must outlive it.
class PoliteTransport final : public HttpTransport {
  public:
    explicit PoliteTransport(PoliteClient& client) : client_(client) {}
    void start(HttpRequest request, DoneCallback done) override {
        client_.submit(std::move(request), std::move(done));
    }

  private:
    PoliteClient& client_;
};

}  // namespace ah::net
