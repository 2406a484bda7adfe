#pragma once
// The PaymentService controller: informers on PaymentServices, their pods and the
// ConfigMaps/Secrets paymesh owns feed a work queue of service keys; N workers run the
// reconciler. A change to a service's spec or endpoints also queues every service whose
// config reads it.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kube/informer.h"
#include "kube/work_queue.h"
#include "obs/metrics.h"
#include "operator/controller/reconciler.h"
#include "operator/desired/dependents.h"

namespace paymesh::ctrl {

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
  Controller(kube::Client& client, ControllerOptions options, obs::OperatorMetrics* metrics = nullptr);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Starts the informers, waits for their first lists, then starts the workers.
  Status start(MeshStatePtr mesh, std::chrono::milliseconds sync_timeout = std::chrono::seconds(60));
  // Stops intake, lets the workers finish the passes in flight, stops the informers.
  void stop();

  // A new mesh config (or CA): every service is reconciled again.
  void setMesh(MeshStatePtr mesh);
  void enqueueAll();

  bool synced() const { return synced_; }
  const kube::WorkQueue& queue() const { return queue_; }
  // Passes finished (any result), for tests.
  uint64_t passes() const { return passes_; }
  uint64_t failures() const { return failed_passes_; }

private:
  void enqueueWithDependents(const std::string& ns, const std::string& name);
  void onService(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj);
  void onPod(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj);
  void onChild(const std::string& kind, const kube::ObjectPtr& obj, bool deleted);
  void worker();

  kube::Client& client_;
  ControllerOptions options_;
  obs::OperatorMetrics* metrics_;
  kube::WorkQueue queue_;
  std::unique_ptr<kube::Informer> services_, pods_, config_maps_, secrets_;
  std::unique_ptr<ServiceCache> parsed_;
  std::unique_ptr<Reconciler> reconciler_;
  std::mutex index_mu_;
  DependentsIndex index_;
  std::vector<std::jthread> workers_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> passes_{0}, failed_passes_{0}, pass_ids_{0};
};

}  // namespace paymesh::ctrl
