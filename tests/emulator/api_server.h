#pragma once
// The Kubernetes API semantics of the emulator, free of sockets: a request goes in, a
// response comes out; watches stream lines through a callback. This class is the front:
// it takes the one mutex, authorizes, routes (router.h) and hands the request to the part
// that serves it: discovery, reads, writes, deletion, watch. The state they share is a
// ServerState (server_state.h); a reaper thread finalizes terminating namespaces.

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/authorization.h"
#include "emulator/faults.h"
#include "emulator/http_types.h"
#include "emulator/options.h"
#include "emulator/router.h"
#include "emulator/server_state.h"

namespace paymesh::emulator {

class ApiServer : public RequestHandler {
public:
  explicit ApiServer(Options options = {});
  ~ApiServer() override;
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  HttpResponse handle(const HttpRequest& request) override;

  // Watch requests are served by streamWatch; others by handle.
  bool isWatch(const HttpRequest& request) const override;
  // Starts a watch: on success returns nullopt and streams newline-delimited events through
  // `write` until the watch ends, `write` returns false, or stop(); on failure returns the
  // error response to send instead.
  std::optional<HttpResponse> streamWatch(const HttpRequest& request,
                                          const std::function<bool(const std::string&)>& write) override;

  void stop() override;
  void setFaults(const Faults& faults);
  // The host:port advertised in /api, once the listener knows its port.
  void setServerAddress(const std::string& address);
  // Forgets all watch history: every watch from a resourceVersion before now gets 410.
  void expireHistory();
  uint64_t resourceVersion();
  int latencyMs() override;
  // The resource requests served so far, when Options::record_requests (each distinct one once).
  std::set<RequestAttributes> requests();
  // The writes served so far, in the order the server applied them, when
  // Options::record_writes (a test tells which client's write landed after which).
  std::vector<ServedWrite> writes();
  // Called after each write is served and before its response is sent, outside the
  // server's lock, on that connection's thread: an observer that blocks holds this one
  // response back (its client stays mid-request) while the server goes on serving others.
  void setWriteObserver(std::function<void(const ServedWrite&)> observer);
  // All stored objects of one resource (group/resource), for tests.
  std::vector<nlohmann::json> objects(const std::string& group, const std::string& resource,
                                      const std::string& ns = "");
  // Visits them in place under the server's lock, without copies (benchmarks poll with it
  // and must not slow the server they measure); stops when `visit` returns false.
  void visitObjects(const std::string& group, const std::string& resource, const std::string& ns,
                    const std::function<bool(const nlohmann::json&)>& visit);

private:
  HttpResponse handleLocked(const HttpRequest& req, std::unique_lock<std::mutex>& lock,
                            std::optional<ServedWrite>& served);
  HttpResponse serveDocument(const Route& r);
  HttpResponse setFaultsFromRequest(const HttpRequest& req);
  HttpResponse handleResource(const HttpRequest& req, const Route& r, std::unique_lock<std::mutex>& lock);
  void record(const HttpRequest& req, const Route& r, bool watch);

  std::mutex mu_;
  ServerState state_;
  std::function<void(const ServedWrite&)> write_observer_;
  std::thread reaper_;  // finalizes terminating namespaces
};

// "2026-01-02T03:04:05Z"
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace paymesh::emulator
