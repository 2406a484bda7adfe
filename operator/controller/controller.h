#pragma once
// The operator's controllers over one set of informers: PaymentServices, their pods and
// the ConfigMaps/Secrets paymesh owns feed three runners (lib/kube/runner.h), each with
// its own queue and typed keys:
//   paymentservice       the PaymentService's namespace/name (workers: --workers);
//   mesh-ca              the mesh CA Secret's namespace/name (one worker);
//   webhook-certificate  the webhook serving Secret's namespace/name (one worker).
// Event handlers only route keys: a change to a service's spec or to the endpoints of its
// pods queues it and every service whose config reads it; a change to a child queues its
// owner unless it is the echo of our own write; a change to the CA Secret queues the CA.
// Writes go through the client given for writing (leader-gated in the binary).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "kube/informer.h"
#include "kube/runner.h"
#include "obs/metrics.h"
#include "operator/controller/child_writer.h"
#include "operator/controller/endpoint_cache.h"
#include "operator/controller/event_recorder.h"
#include "operator/controller/fleet_gauges.h"
#include "operator/controller/mesh_ca_reconciler.h"
#include "operator/controller/service_cache.h"
#include "operator/controller/service_reconciler.h"
#include "operator/controller/webhook_cert_reconciler.h"
#include "operator/desired/dependents.h"

namespace paymesh::ctrl {

struct ReconcilerOptions {
  std::function<pki::TimePoint()> now = [] { return std::chrono::system_clock::now(); };
  // Simulated seconds per real second (tests that run certificate lifetimes fast): a
  // renewal due in `d` of `now()` time is requeued after d / clock_rate of real time.
  // PassClock::kManual: `now()` is a clock the test moves (pass_clock.h).
  double clock_rate = 1.0;
  std::string component = "paymesh-operator";  // the source of Events
  // How often a service whose child's name is taken is looked at again (real time).
  std::chrono::milliseconds collision_recheck{std::chrono::seconds(30)};
};

struct ControllerOptions {
  std::string ns;  // "" watches every namespace
  int workers = 4;
  ReconcilerOptions reconciler;
  kube::WorkQueueOptions queue;
  std::chrono::milliseconds resync{0};  // informer resync (0: none)
  std::chrono::seconds watch_timeout{300};
  int64_t page_size = 500;  // items per list page when the informers (re)list
  // Issue and renew the webhook's serving certificate and keep the injector's caBundle.
  bool manage_webhook = true;
};

class Controller {
public:
  // `reads` lists and watches; `writes` creates, updates, patches and deletes.
  Controller(kube::Client& reads, kube::Client& writes, ControllerOptions options,
             obs::OperatorMetrics* metrics = nullptr);
  Controller(kube::Client& client, ControllerOptions options, obs::OperatorMetrics* metrics = nullptr)
      : Controller(client, client, std::move(options), metrics) {}
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Starts the informers, waits for their first lists, then starts the workers. A stop
  // requested on `stop` ends that wait at once with an error.
  Status start(MeshStatePtr mesh, std::chrono::milliseconds sync_timeout = std::chrono::seconds(60),
               std::stop_token stop = {});
  // Stops intake, lets the workers finish the passes in flight, stops the informers.
  void stop();

  // A new mesh config (or CA): every service is reconciled again.
  void setMesh(MeshStatePtr mesh);
  void enqueueAll();

  bool synced() const { return synced_; }
  // Keys waiting in the PaymentService queue.
  size_t queueDepth() const { return services_runner_->queue().depth(); }
  // No key waiting or being worked on in any of the three controllers (keys delayed for a
  // later retry or renewal do not count), for tests that step a manual clock.
  bool idle() const;
  // Passes finished (any result) over the three controllers, for tests.
  uint64_t passes() const;
  uint64_t failures() const;

private:
  std::unique_ptr<kube::Informer> informer(const kube::ResourceRef& res, std::string selector, kube::Trimmer trim);
  void wireHandlers();
  kube::RunnerOptions runnerOptions(obs::ControllerName name, int workers);
  void enqueueService(const kube::ObjectKey& key);
  void enqueueWithDependents(const std::string& ns, const std::string& name);
  void onService(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj);
  void onPod(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj);
  void onJwks(model::JwksSourceKind kind, const Json& object);
  std::vector<kube::Informer*> informers() const;  // every one, to start, sync and stop together
  void onChild(ChildKind kind, const kube::ObjectPtr& obj, bool deleted);
  void enqueueCa();

  kube::Client& reads_;
  ControllerOptions options_;
  obs::OperatorMetrics* metrics_;
  std::unique_ptr<kube::Informer> services_, pods_, config_maps_, secrets_;
  // ConfigMaps and Secrets labelled paymesh.io/jwks: the keys services' providers name.
  std::unique_ptr<kube::Informer> jwks_config_maps_, jwks_secrets_;
  std::unique_ptr<ServiceCache> parsed_;
  EndpointCache endpoint_cache_;  // invalidated by onPod
  MeshStateHolder mesh_;
  ChildWriter children_;
  EventRecorder events_;
  FleetGauges gauges_;
  std::unique_ptr<PaymentServiceReconciler> service_reconciler_;
  std::unique_ptr<MeshCaReconciler> ca_reconciler_;
  std::unique_ptr<WebhookCertReconciler> webhook_reconciler_;
  std::unique_ptr<kube::Runner> services_runner_, ca_runner_, webhook_runner_;
  std::mutex index_mu_;
  DependentsIndex index_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace paymesh::ctrl
