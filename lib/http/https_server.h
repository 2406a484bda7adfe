#pragma once
// An HTTPS/1.1 server on Boost.Beast for small JSON APIs (the admission webhook): TLS 1.2
// and up with a reloadable certificate (see serving_certificate.h), keep-alive, a cap on
// the request body answered with 413 before the body is read, read and idle timeouts,
// and a fixed set of I/O threads that also run the handler (keep it short and
// non-blocking), each serving its own connections. Anything the handler throws becomes a 500.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/serving_certificate.h"

namespace paymesh::http {

struct Request {
  std::string method;
  std::string target;        // path and query, as sent
  std::string content_type;  // the Content-Type header, "" when absent
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 0;                                // 0: any free port (see port())
  size_t max_body_bytes = size_t{7} * 1024 * 1024;  // as controller-runtime's webhook server
  int threads = 2;                                  // each with its own connections (dealt out in turn)
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds read_timeout{30};  // from the first byte of a request to its last
  std::chrono::seconds idle_timeout{90};  // a kept-alive connection waiting for its next request
};

class HttpsServer {
public:
  // Binds and starts serving; fails when the address cannot be bound.
  static Result<std::unique_ptr<HttpsServer>> start(const ServerOptions& options, Handler handler,
                                                    std::shared_ptr<ServingCertificate> certificate);
  ~HttpsServer();  // stop()
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  uint16_t port() const;
  // Stops accepting, closes every connection and joins the threads.
  void stop();

private:
  struct Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::http
