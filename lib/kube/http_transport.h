#pragma once
// One HTTP/1.1 request and its whole answer, run on the calling thread over a pooled
// keep-alive connection (plain or TLS). The calling thread does the I/O itself: no hand-off
// to a pool thread and back per request, which a cold start of thousands of writes pays for
// in context switches.

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "kube/kubeconfig.h"

namespace paymesh::kube {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, when sent
};

struct HttpCall {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, appended to the server URL's own path
  std::vector<std::pair<std::string, std::string>> headers;
  const std::string* body = nullptr;
};

class HttpTransport {
public:
  // InvalidArgument when the server URL is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<HttpTransport>> create(const ClusterConfig& config, std::chrono::seconds timeout);
  ~HttpTransport();

  // DeadlineExceeded when the request did not finish in time, Unavailable on any other
  // transport failure; an HTTP error status is an answer, not a failure.
  Result<HttpAnswer> roundTrip(const HttpCall& call);

  // A long answer (a watch) on a connection of its own: a 200's body is handed to on_data
  // piece by piece as it arrives, until the server ends it, on_data returns false or stop
  // is requested (all three: the answer with an empty body); any other status comes back
  // with its whole body. Each wait for more is bounded by idle_timeout.
  Result<HttpAnswer> stream(const HttpCall& call, std::chrono::seconds idle_timeout,
                            const std::function<bool(std::string_view)>& on_data, std::stop_token stop);

private:
  struct Impl;
  explicit HttpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::kube
