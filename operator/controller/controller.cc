#include "operator/controller/controller.h"

#include "base/json_fields.h"
#include "kube/errors.h"
#include "kube/resource.h"
#include "model/endpoints.h"
#include "obs/log.h"

namespace paymesh::ctrl {

namespace f = fields;
namespace res = kube::resources;

namespace {

const Json& meta(const Json& obj) { return kube::metadataOf(obj); }

std::string serviceLabelOf(const Json& obj) {
  const Json& labels = meta(obj).value(f::kLabels, Json::object());
  return labels.is_object() ? labels.value(model::kServiceLabel, "") : "";
}

std::optional<model::ServiceEndpoint> endpointOrNull(const Json& pod) {
  auto ep = model::endpointFromPod(pod);
  if (!ep.isOk() || !ep->has_value()) return std::nullopt;
  return **ep;
}

// Whether an update of a PaymentService matters: our own status writes come back as
// updates, and only spec or lifecycle changes do.
bool specOrLifecycleChanged(const Json& before, const Json& after) {
  return before.value(f::kSpec, Json()) != after.value(f::kSpec, Json()) ||
         meta(before).value(f::kGeneration, 0) != meta(after).value(f::kGeneration, 0) ||
         meta(before).value(f::kUid, "") != meta(after).value(f::kUid, "") ||
         meta(before).contains(f::kDeletionTimestamp) != meta(after).contains(f::kDeletionTimestamp);
}

}  // namespace

Controller::Controller(kube::Client& reads, kube::Client& writes, ControllerOptions options,
                       obs::OperatorMetrics* metrics)
    : reads_(reads),
      options_(std::move(options)),
      metrics_(metrics),
      children_(writes, metrics),
      events_(writes, options_.reconciler.component, options_.reconciler.now, metrics),
      gauges_(metrics, options_.reconciler.now) {
  std::string managed = std::string(kManagedByLabel) + "=" + kManagedByValue;
  services_ = informer(res::kPaymentServices, "", kube::dropManagedFields);
  pods_ = informer(res::kPods, model::kServiceLabel, kube::trimPod);
  config_maps_ = informer(res::kConfigMaps, managed, trimConfigMap);
  secrets_ = informer(res::kSecrets, managed, kube::dropManagedFields);
  jwks_config_maps_ = informer(res::kConfigMaps, model::kJwksLabel, kube::dropManagedFields);
  jwks_secrets_ = informer(res::kSecrets, model::kJwksLabel, kube::dropManagedFields);
  parsed_ = std::make_unique<ServiceCache>(services_->store());
  PassClock clock{options_.reconciler.now, options_.reconciler.clock_rate};
  service_reconciler_ = std::make_unique<PaymentServiceReconciler>(
      PaymentServiceReconciler::Caches{*parsed_, pods_->store(), config_maps_->store(), secrets_->store(),
                                       jwks_config_maps_->store(), jwks_secrets_->store(), &endpoint_cache_},
      PaymentServiceReconciler::Parts{writes, children_, events_, gauges_, mesh_, clock, metrics_,
                                      options_.reconciler.collision_recheck});
  ca_reconciler_ = std::make_unique<MeshCaReconciler>(
      MeshCaReconciler::Parts{writes, secrets_->store(), events_, mesh_, clock, metrics_, [this] { enqueueAll(); }});
  webhook_reconciler_ =
      std::make_unique<WebhookCertReconciler>(WebhookCertReconciler::Parts{writes, children_, mesh_, clock});
  services_runner_ = std::make_unique<kube::Runner>(
      *service_reconciler_, runnerOptions(obs::ControllerName::kPaymentService, options_.workers));
  ca_runner_ = std::make_unique<kube::Runner>(*ca_reconciler_, runnerOptions(obs::ControllerName::kMeshCa, 1));
  webhook_runner_ =
      std::make_unique<kube::Runner>(*webhook_reconciler_, runnerOptions(obs::ControllerName::kWebhookCertificate, 1));
  wireHandlers();
}

Controller::~Controller() { stop(); }

std::unique_ptr<kube::Informer> Controller::informer(const kube::ResourceRef& resource, std::string selector,
                                                     kube::Trimmer trim) {
  kube::InformerOptions o;
  o.label_selector = std::move(selector);
  o.trim = std::move(trim);
  o.resync = options_.resync;
  o.watch_timeout = options_.watch_timeout;
  o.page_size = options_.page_size;
  return std::make_unique<kube::Informer>(reads_, resource, options_.ns, std::move(o));
}

kube::RunnerOptions Controller::runnerOptions(obs::ControllerName name, int workers) {
  kube::RunnerOptions o;
  o.controller = obs::controllerLabel(name);
  o.workers = workers;
  o.queue = options_.queue;
  if (!metrics_) return o;
  o.on_pass = [this, name](bool ok, double seconds) {
    metrics_->reconciled(name, ok ? obs::ReconcileResult::kSuccess : obs::ReconcileResult::kError, seconds);
    if (name != obs::ControllerName::kPaymentService) return;
    metrics_->setQueueDepth(static_cast<double>(services_runner_->queue().depth()));
    metrics_->setServices(static_cast<double>(services_->store().size()));
  };
  o.on_retry = [this] { metrics_->retried(); };
  return o;
}

void Controller::wireHandlers() {
  services_->addHandlers({[this](const kube::ObjectPtr& o) { onService(nullptr, o); },
                          [this](const kube::ObjectPtr& a, const kube::ObjectPtr& b) { onService(a, b); },
                          [this](const kube::ObjectPtr& o) { onService(o, nullptr); }});
  pods_->addHandlers({[this](const kube::ObjectPtr& o) { onPod(nullptr, o); },
                      [this](const kube::ObjectPtr& a, const kube::ObjectPtr& b) { onPod(a, b); },
                      [this](const kube::ObjectPtr& o) { onPod(o, nullptr); }});
  for (auto [inf, kind] :
       {std::pair{config_maps_.get(), ChildKind::kConfigMap}, std::pair{secrets_.get(), ChildKind::kSecret}}) {
    inf->addHandlers({[this, kind](const kube::ObjectPtr& o) { onChild(kind, o, false); },
                      [this, kind](const kube::ObjectPtr&, const kube::ObjectPtr& b) { onChild(kind, b, false); },
                      [this, kind](const kube::ObjectPtr& o) { onChild(kind, o, true); }});
  }
  for (auto [inf, kind] : {std::pair{jwks_config_maps_.get(), model::JwksSourceKind::kConfigMap},
                           std::pair{jwks_secrets_.get(), model::JwksSourceKind::kSecret}}) {
    inf->addHandlers({[this, kind](const kube::ObjectPtr& o) { onJwks(kind, *o); },
                      [this, kind](const kube::ObjectPtr& a, const kube::ObjectPtr& b) {
                        if (a == b || (*a).value(f::kData, Json()) != (*b).value(f::kData, Json()) ||
                            (*a).value("stringData", Json()) != (*b).value("stringData", Json()) ||
                            (*a).value("binaryData", Json()) != (*b).value("binaryData", Json()))
                          onJwks(kind, *b);
                      },
                      [this, kind](const kube::ObjectPtr& o) { onJwks(kind, *o); }});
  }
}

// Keys rotated, added or removed: every service of the namespace whose provider reads
// that object renders again.
void Controller::onJwks(model::JwksSourceKind kind, const Json& object) {
  std::string ns = meta(object).value(f::kNamespace, "");
  std::string name = meta(object).value(f::kName, "");
  for (const auto& key : services_->store().keys()) {
    kube::ObjectKey k = kube::ObjectKey::parse(key);
    if (k.ns != ns) continue;
    auto entry = parsed_->get(k);
    if (!entry || !entry->service || !entry->service->spec.jwt) continue;
    for (const auto& p : entry->service->spec.jwt->providers) {
      if (p.jwks.kind == kind && p.jwks.name == name) {
        enqueueService(k);
        break;
      }
    }
  }
}

void Controller::enqueueService(const kube::ObjectKey& key) { services_runner_->enqueue(key); }

void Controller::enqueueWithDependents(const std::string& ns, const std::string& name) {
  enqueueService({ns, name});
  std::set<std::string> deps;
  {
    std::lock_guard lock(index_mu_);
    deps = index_.dependentsOf(ns, name);
  }
  for (const auto& d : deps) enqueueService({ns, d});
}

void Controller::onService(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
  const Json& any = new_obj ? *new_obj : *old_obj;
  std::string ns = meta(any).value(f::kNamespace, "");
  std::string name = meta(any).value(f::kName, "");
  if (!new_obj) {
    {
      std::lock_guard lock(index_mu_);
      index_.remove(ns, name);
    }
    parsed_->erase({ns, name});
    enqueueWithDependents(ns, name);  // its dependents now miss it
    return;
  }
  // Resync replays (old == new) are level checks: they are queued.
  if (old_obj && old_obj != new_obj && !specOrLifecycleChanged(*old_obj, *new_obj)) return;
  auto parsed = model::parsePaymentService(*new_obj);
  std::set<std::string> before;
  {
    std::lock_guard lock(index_mu_);
    if (old_obj) before = index_.dependentsOf(ns, name);
    if (parsed.object)
      index_.update(*parsed.object);
    else
      index_.remove(ns, name);
  }
  for (const auto& d : before) enqueueService({ns, d});
  enqueueWithDependents(ns, name);
}

void Controller::onPod(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
  std::string old_svc = old_obj ? serviceLabelOf(*old_obj) : "";
  std::string new_svc = new_obj ? serviceLabelOf(*new_obj) : "";
  if (old_obj && new_obj && old_obj != new_obj && old_svc == new_svc &&
      meta(*old_obj).value(f::kLabels, Json()) == meta(*new_obj).value(f::kLabels, Json()) &&
      endpointOrNull(*old_obj) == endpointOrNull(*new_obj))
    return;  // nothing an endpoint is made of changed
  const Json& any = new_obj ? *new_obj : *old_obj;
  std::string ns = meta(any).value(f::kNamespace, "");
  // Before the passes are queued, after the pod cache has the change (endpoint_cache.h).
  if (!old_svc.empty()) endpoint_cache_.invalidate(ns, old_svc);
  if (!new_svc.empty() && new_svc != old_svc) endpoint_cache_.invalidate(ns, new_svc);
  if (!old_svc.empty()) enqueueWithDependents(ns, old_svc);
  if (!new_svc.empty() && new_svc != old_svc) enqueueWithDependents(ns, new_svc);
}

void Controller::onChild(ChildKind kind, const kube::ObjectPtr& obj, bool deleted) {
  if (kind == ChildKind::kSecret) {
    // The mesh CA Secret (when in scope): a change to it is followed at once.
    MeshStatePtr mesh = mesh_.get();
    if (mesh && kube::ObjectKey::of(*obj) == MeshCaReconciler::keyFor(mesh->mesh)) {
      ca_runner_->enqueue(MeshCaReconciler::keyFor(mesh->mesh));
      return;
    }
  }
  std::string owner = serviceLabelOf(*obj);
  if (owner.empty()) return;
  if (!deleted && children_.isOwnWrite(kind, *obj)) return;
  enqueueService({meta(*obj).value(f::kNamespace, ""), owner});
}

std::vector<kube::Informer*> Controller::informers() const {
  return {services_.get(),         pods_.get(),        config_maps_.get(), secrets_.get(),
          jwks_config_maps_.get(), jwks_secrets_.get()};
}

Status Controller::start(MeshStatePtr mesh, std::chrono::milliseconds sync_timeout, std::stop_token stop) {
  mesh_.set(std::move(mesh));
  auto began = std::chrono::steady_clock::now();
  for (auto* inf : informers()) inf->start();
  for (auto* inf : informers()) {
    bool synced = inf->waitForSync(sync_timeout, stop);
    if (stop.stop_requested()) return unavailable("stopped before the informer caches synced");
    if (!synced) return unavailable("informer caches did not sync in time");
  }
  synced_ = true;
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  obs::logInfo("informer caches synced", {{"duration_ms", std::to_string(took.count())},
                                          {"paymentservices", std::to_string(services_->store().size())},
                                          {"pods", std::to_string(pods_->store().size())},
                                          {"queued", std::to_string(queueDepth())}});
  enqueueCa();
  services_runner_->start();
  ca_runner_->start();
  if (options_.manage_webhook) webhook_runner_->start();
  return Status::ok();
}

void Controller::stop() {
  if (stopped_.exchange(true)) return;
  for (auto* runner : {services_runner_.get(), ca_runner_.get(), webhook_runner_.get()}) runner->stop();
  for (auto* inf : informers()) inf->stop();
}

void Controller::setMesh(MeshStatePtr mesh) {
  mesh_.set(std::move(mesh));
  enqueueAll();
}

void Controller::enqueueCa() {
  MeshStatePtr state = mesh_.get();
  if (!state) return;
  ca_runner_->enqueue(MeshCaReconciler::keyFor(state->mesh));
  if (options_.manage_webhook) webhook_runner_->enqueue(WebhookCertReconciler::keyFor(state->mesh));
}

void Controller::enqueueAll() {
  enqueueCa();
  for (const auto& key : services_->store().keys()) enqueueService(kube::ObjectKey::parse(key));
}

bool Controller::idle() const {
  for (const auto* r : {services_runner_.get(), ca_runner_.get(), webhook_runner_.get()})
    if (r->queue().depth() != 0 || r->queue().processing() != 0) return false;
  return true;
}

uint64_t Controller::passes() const {
  return services_runner_->passes() + ca_runner_->passes() + webhook_runner_->passes();
}

uint64_t Controller::failures() const {
  return services_runner_->failures() + ca_runner_->failures() + webhook_runner_->failures();
}

}  // namespace paymesh::ctrl
