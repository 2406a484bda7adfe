#include "operator/controller/health_server.h"

#include <cpprest/http_listener.h>

namespace paymesh::ctrl {

namespace http = web::http;

struct HealthServer::Impl {
  std::unique_ptr<http::experimental::listener::http_listener> listener;
  std::function<bool()> ready;
};

Result<std::unique_ptr<HealthServer>> HealthServer::start(const std::string& addr, std::function<bool()> ready) {
  std::unique_ptr<HealthServer> server(new HealthServer());
  server->impl_ = std::make_unique<Impl>();
  server->impl_->ready = std::move(ready);
  std::string host_port = addr.rfind(':', 0) == 0 ? "0.0.0.0" + addr : addr;
  try {
    server->impl_->listener = std::make_unique<http::experimental::listener::http_listener>("http://" + host_port);
    Impl* impl = server->impl_.get();
    server->impl_->listener->support(http::methods::GET, [impl](http::http_request req) {
      std::string path = req.relative_uri().path();
      if (path == "/healthz" || path == "/livez") {
        req.reply(http::status_codes::OK, "ok");
      } else if (path == "/readyz") {
        bool ok = impl->ready ? impl->ready() : true;
        req.reply(ok ? http::status_codes::OK : http::status_codes::ServiceUnavailable, ok ? "ok" : "not ready");
      } else {
        req.reply(http::status_codes::NotFound, "not found");
      }
    });
    server->impl_->listener->open().wait();
  } catch (const std::exception& e) {
    return unavailable("health server on " + addr + ": " + e.what());
  }
  return server;
}

HealthServer::~HealthServer() {
  if (impl_ && impl_->listener) {
    try {
      impl_->listener->close().wait();
    } catch (...) {
    }
  }
}

}  // namespace paymesh::ctrl
