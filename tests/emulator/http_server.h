#pragma once
// Serves a RequestHandler (the ApiServer) over HTTP/1.1 on a loopback port, plain or TLS, one thread per
// connection; watch responses are chunked streams that stay open.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "emulator/http_types.h"

namespace paymesh::emulator {

struct ServerTls {
  std::string cert_pem;       // server certificate chain
  std::string key_pem;
  std::string client_ca_pem;  // when set, client certificates signed by it are requested and verified
};

class HttpServer {
public:
  HttpServer(RequestHandler& handler, std::optional<ServerTls> tls);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0 picks a free one) and starts accepting. Returns an error message
  // or "".
  std::string start(const std::string& host, uint16_t port);
  uint16_t port() const { return port_; }
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace paymesh::emulator
