#pragma once
// One reconcile pass of a PaymentService, level-triggered: it reads the service, the
// services its config reads and their pods from the informer caches (never from the
// event that queued it), builds the desired ConfigMap and Secret with the pure builders,
// writes only what differs, then writes the status once when it differs.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "kube/client.h"
#include "kube/store.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "obs/metrics.h"
#include "operator/desired/render_inputs.h"
#include "pki/authority.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctrl {

// The mesh config and the CA it names; replaced as a whole when the file changes.
struct MeshState {
  model::MeshConfig mesh;
  std::optional<pki::CertificateAuthority> ca;
  pki::TrustBundle bundle;
  std::string ca_identity;  // the signing CA and the bundle: a change means every leaf is looked at again
};
using MeshStatePtr = std::shared_ptr<const MeshState>;

// Parsed PaymentServices by namespace/name, parsed again when the cached object's
// resourceVersion moves. Thread-safe.
class ServiceCache {
public:
  explicit ServiceCache(const kube::Store& store) : store_(store) {}
  struct Entry {
    ServicePtr service;      // null when the object does not parse
    std::string error;       // the parse errors, for the status
    kube::ObjectPtr object;  // the cached object it was parsed from
  };
  // nullopt when the object is not in the cache.
  std::optional<Entry> get(const std::string& ns, const std::string& name);
  void erase(const std::string& ns, const std::string& name);

private:
  const kube::Store& store_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<std::string, Entry>> entries_;  // key -> (rv, entry)
};

struct ReconcilerOptions {
  std::function<pki::TimePoint()> now = [] { return std::chrono::system_clock::now(); };
  // Simulated seconds per real second (tests that run certificate lifetimes fast): a
  // renewal due in `d` of `now()` time is requeued after d / clock_rate of real time.
  double clock_rate = 1.0;
  // Checked before every write: a replica that lost its lease stops writing at once.
  const std::atomic<bool>* may_write = nullptr;
  std::string component = "paymesh-operator";
};

// The work-queue keys of the webhook certificate pass and of the mesh CA pass (no
// PaymentService key starts with '@').
inline constexpr const char* kWebhookKey = "@webhook";
inline constexpr const char* kMeshCaKey = "@mesh-ca";

struct Action {
  std::optional<std::chrono::milliseconds> requeue_after;
};

class Reconciler {
public:
  struct Caches {
    const kube::Store& services;
    const kube::Store& pods;
    const kube::Store& config_maps;  // trimmed with trimConfigMap
    const kube::Store& secrets;
  };
  Reconciler(kube::Client& client, Caches caches, ServiceCache& parsed, ReconcilerOptions options,
             obs::OperatorMetrics* metrics);

  void setMesh(MeshStatePtr mesh);
  MeshStatePtr mesh() const;

  Result<Action> reconcile(const std::string& ns, const std::string& name);
  // The webhook serving certificate and the injector's caBundle (a timed pass of its own).
  Result<Action> reconcileWebhook();
  // The mesh CA Secret: follows changes made to it (a new mesh state, and every service
  // queued again by the controller) and, for a CA paymesh created, drives its rotation.
  Result<Action> reconcileMeshCa();

  // Whether a watch event for `kind` ("configmap"/"secret") shows an object as this
  // reconciler last wrote it (its own echo: the controller then does not requeue). The
  // fingerprint is taken before the write, so an echo that arrives before the write's
  // response is still recognised.
  bool isOwnWrite(const std::string& kind, const std::string& key, const nlohmann::json& object) const;
  // The fingerprint compared above: data digest (ConfigMap, as trimmed in the cache) or
  // certificate (Secret), and the owner references.
  static std::string fingerprint(const std::string& kind, const nlohmann::json& object);

private:
  Status write(const kube::ResourceRef& res, const std::string& ns, const nlohmann::json& desired,
               const nlohmann::json* current, obs::WriteKind kind, const std::string& echo_kind);
  Status removeOrphan(const kube::ResourceRef& r, const kube::Store& cache, const std::string& ns,
                      const std::string& child, const std::string& owner);
  bool mayWrite() const { return options_.may_write == nullptr || options_.may_write->load(); }
  void recordEvent(const model::PaymentService& svc, const std::string& type, const std::string& reason,
                   const std::string& message);
  void recordEventOn(const nlohmann::json& involved, const std::string& ns, const std::string& type,
                     const std::string& reason, const std::string& message);
  std::chrono::milliseconds realDelay(pki::TimePoint next_check, pki::TimePoint now) const;

  // Per-service figures behind the endpoint and expiry gauges.
  void recordStats(const std::string& key, int64_t endpoints, std::optional<pki::TimePoint> not_after);

  kube::Client& client_;
  Caches caches_;
  ServiceCache& parsed_;
  ReconcilerOptions options_;
  obs::OperatorMetrics* metrics_;
  mutable std::shared_mutex mesh_mu_;
  MeshStatePtr mesh_;
  mutable std::mutex echo_mu_;
  std::unordered_map<std::string, std::string> written_fp_;  // kind/ns/name -> fingerprint
  std::mutex stats_mu_;
  std::unordered_map<std::string, std::pair<int64_t, std::optional<pki::TimePoint>>> stats_;
  std::multiset<pki::TimePoint> expiries_;
  int64_t endpoint_sum_ = 0;
};

}  // namespace paymesh::ctrl
