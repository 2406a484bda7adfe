#pragma once
// The Kubernetes API semantics of the emulator, free of sockets: a request goes in, a
// response comes out; watches stream lines through a callback. One mutex guards the whole
// state; it is a test double, not a database.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"
#include "emulator/label_selector.h"
#include "emulator/resource_types.h"

namespace paymesh::emulator {

// Faults injected on request; the same seed gives the same sequence of faults.
struct Faults {
  uint64_t seed = 1;
  int drop_watch_every = 0;    // close each watch stream after this many events (0: never)
  double conflict_rate = 0;    // share of writes answered 409 Conflict
  double throttle_rate = 0;    // share of writes answered 429 with Retry-After: 1
  double error_rate = 0;       // share of writes answered 500
  double read_error_rate = 0;  // share of reads (get, list, watch start) answered 500
  int latency_ms = 0;          // added before every response
};
Faults faultsFromJson(const nlohmann::json& j);

// Calls a mutating webhook: POSTs `review` to `url` over HTTPS trusting only `ca_bundle_pem`,
// and returns the AdmissionReview the webhook answered, or an error message.
struct WebhookResult {
  nlohmann::json review;
  std::string error;
};
// `server_name`, when set, is the name the certificate must carry (a service reference is
// dialled at its mapped address but verified as <name>.<namespace>.svc, as kube-apiserver does).
using WebhookCaller =
    std::function<WebhookResult(const std::string& url, const std::string& ca_bundle_pem, std::chrono::seconds timeout,
                                const nlohmann::json& review, const std::string& server_name)>;

struct Options {
  size_t history = 1000;  // watch events kept; a watch from an older resourceVersion gets 410
  std::chrono::milliseconds bookmark_interval{1000};
  std::string token;                           // when set, every request must carry "Authorization: Bearer <token>"
  std::string readonly_token;                  // accepted for reads; writes get 403 Forbidden
  uint64_t seed = 42;                          // uids and generateName suffixes
  std::string server_address = "127.0.0.1:0";  // advertised in /api
  WebhookCaller webhook_caller;                // unset: webhooks are not called
  // Service references in webhook clientConfig resolve to https://<host>:<port>/<path> through
  // this map, keyed "name.namespace"; unmapped services fail the call.
  std::map<std::string, std::string> service_hosts;
  // How long a deleted namespace stays Terminating before its contents and itself go.
  std::chrono::milliseconds namespace_finalize_delay{200};
  // Keep the authorization attributes of every resource request (see requests()).
  bool record_requests = false;
};

// What an authorizer sees of a resource request; verbs as RBAC names them (get, list,
// watch, create, update, patch, delete, deletecollection).
struct RequestAttributes {
  std::string user_agent;  // who asked (the emulator has no users)
  std::string verb, group, resource, subresource, ns, name;
  bool operator<(const RequestAttributes& o) const {
    return std::tie(user_agent, verb, group, resource, subresource, ns, name) <
           std::tie(o.user_agent, o.verb, o.group, o.resource, o.subresource, o.ns, o.name);
  }
};

class ApiServer : public RequestHandler {
public:
  explicit ApiServer(Options options = {});
  ~ApiServer();
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
  // All stored objects of one resource (group/resource), for tests.
  std::vector<nlohmann::json> objects(const std::string& group, const std::string& resource,
                                      const std::string& ns = "");
  // Visits them in place under the server's lock, without copies (benchmarks poll with it
  // and must not slow the server they measure); stops when `visit` returns false.
  void visitObjects(const std::string& group, const std::string& resource, const std::string& ns,
                    const std::function<bool(const nlohmann::json&)>& visit);

private:
  struct Event {
    uint64_t rv;
    std::string store_key;  // group/resource
    std::string type;       // ADDED, MODIFIED, DELETED
    nlohmann::json object;
    nlohmann::json old;  // previous state for MODIFIED; null otherwise
  };
  struct Target {
    const ResourceType* type = nullptr;
    std::string ns;
    std::string name;
    std::string subresource;
  };
  struct Route {
    enum class Kind {
      kNone,
      kVersion,
      kApi,
      kApis,
      kApiGroup,
      kGroupVersion,
      kResource,
      kOpenApiV2,
      kOpenApiV3,
      kOpenApiV3Doc,
      kFaults,
      kHealth
    };
    Kind kind = Kind::kNone;
    std::string group, version;
    Target target;
    bool legacy_watch = false;  // /api/v1/watch/...
  };

  Route route(const std::string& path) const;  // requires mu_
  HttpResponse handleLocked(const HttpRequest& req, std::unique_lock<std::mutex>& lock);
  HttpResponse handleResource(const HttpRequest& req, const Route& r, std::unique_lock<std::mutex>& lock);
  HttpResponse get(const HttpRequest& req, const Target& t);
  HttpResponse list(const HttpRequest& req, const Target& t);
  HttpResponse create(const HttpRequest& req, const Target& t, std::unique_lock<std::mutex>& lock);
  HttpResponse update(const HttpRequest& req, const Target& t);
  HttpResponse patch(const HttpRequest& req, const Target& t);
  HttpResponse remove(const HttpRequest& req, const Target& t);
  HttpResponse removeCollection(const HttpRequest& req, const Target& t);

  // Stores `obj` as the new state of an existing object (update, patch, status).
  HttpResponse commitUpdate(const Target& t, nlohmann::json obj, bool check_rv);
  // Deletes now or marks for deletion when finalizers remain; then collects dependents.
  HttpResponse deleteObject(const ResourceType& type, const std::string& key, const std::string& propagation,
                            const nlohmann::json& preconditions);
  void finalizeDelete(const ResourceType& type, const std::string& key, const std::string& propagation);
  void collectGarbage(const std::string& owner_uid, const std::string& propagation);
  void emit(const std::string& store_key, const std::string& type, const nlohmann::json& obj,
            const nlohmann::json& old = nullptr);
  std::string nextRv();
  std::string newUid();
  std::string storeKeyOf(const ResourceType& t) const { return t.group + "/" + t.resource; }
  const ResourceType* typeByStoreKey(const std::string& store_key) const;
  void registerCrd(const nlohmann::json& crd);
  void unregisterCrd(const std::string& crd_name);
  std::optional<HttpResponse> injectedFault(const HttpRequest& req);
  std::optional<HttpResponse> authorize(const HttpRequest& req) const;
  HttpResponse validateAndNormalize(const ResourceType& type, nlohmann::json& obj, bool creating);
  // Runs mutating webhooks on a pod create; releases the lock while calling out.
  std::optional<HttpResponse> admit(const ResourceType& type, nlohmann::json& obj, std::unique_lock<std::mutex>& lock);
  nlohmann::json withVersion(const ResourceType& type, nlohmann::json obj) const;

  Options options_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool stopping_ = false;
  uint64_t rv_ = 0;
  uint64_t compacted_rv_ = 0;  // watches from before this get 410
  std::deque<Event> history_;
  std::map<std::string, ResourceType> types_;                             // by group/version/resource
  std::map<std::string, std::map<std::string, nlohmann::json>> objects_;  // store key -> ns/name -> object
  std::mt19937_64 rng_;
  Faults faults_;
  std::mt19937_64 fault_rng_;
  std::map<std::string, std::chrono::steady_clock::time_point> terminating_;  // namespace -> deletion time
  std::set<RequestAttributes> requests_;                                      // when options_.record_requests
  void record(const HttpRequest& req, const Route& r, bool watch);
  std::thread reaper_;  // finalizes terminating namespaces
};

// "2026-01-02T03:04:05Z"
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace paymesh::emulator
