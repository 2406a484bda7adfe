#pragma once
// Requests and responses as the emulator's HTTP layer hands them to a handler.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paymesh::emulator {

struct HttpRequest {
  std::string method;
  std::string path;                          // without the query string
  std::map<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What HttpServer serves: the ApiServer, or a test's own handler (a webhook).
class RequestHandler {
public:
  virtual ~RequestHandler() = default;
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  virtual bool isWatch(const HttpRequest&) const { return false; }
  // See ApiServer::streamWatch.
  virtual std::optional<HttpResponse> streamWatch(const HttpRequest&, const std::function<bool(const std::string&)>&) {
    return HttpResponse{404, "text/plain", "not found", {}};
  }
  virtual int latencyMs() { return 0; }
  virtual void stop() {}
};

}  // namespace paymesh::emulator
