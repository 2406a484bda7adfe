#include "operator/controller/controller.h"

#include "kube/errors.h"
#include "kube/resource.h"
#include "model/endpoints.h"
#include "obs/log.h"
#include "operator/desired/children.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;
namespace res = kube::resources;

namespace {

const Json& meta(const Json& obj) {
  static const Json kEmpty = Json::object();
  auto it = obj.find("metadata");
  return it == obj.end() || !it->is_object() ? kEmpty : *it;
}

std::string serviceLabelOf(const Json& obj) {
  const Json& labels = meta(obj).value("labels", Json::object());
  return labels.is_object() ? labels.value(model::kServiceLabel, "") : "";
}

std::optional<model::ServiceEndpoint> endpointOrNull(const Json& pod) {
  auto ep = model::endpointFromPod(pod);
  if (!ep.isOk() || !ep->has_value()) return std::nullopt;
  return **ep;
}

}  // namespace

Controller::Controller(kube::Client& client, ControllerOptions options, obs::OperatorMetrics* metrics)
    : client_(client), options_(std::move(options)), metrics_(metrics), queue_(options_.queue) {
  auto informerOptions = [&](std::string selector, kube::Trimmer trim) {
    kube::InformerOptions o;
    o.label_selector = std::move(selector);
    o.trim = std::move(trim);
    o.resync = options_.resync;
    o.watch_timeout = options_.watch_timeout;
    o.page_size = options_.page_size;
    return o;
  };
  std::string managed = std::string(kManagedByLabel) + "=" + kManagedByValue;
  services_ = std::make_unique<kube::Informer>(client_, res::kPaymentServices, options_.ns,
                                               informerOptions("", kube::dropManagedFields));
  pods_ = std::make_unique<kube::Informer>(client_, res::kPods, options_.ns,
                                           informerOptions(model::kServiceLabel, kube::trimPod));
  config_maps_ =
      std::make_unique<kube::Informer>(client_, res::kConfigMaps, options_.ns, informerOptions(managed, trimConfigMap));
  secrets_ = std::make_unique<kube::Informer>(client_, res::kSecrets, options_.ns,
                                              informerOptions(managed, kube::dropManagedFields));
  parsed_ = std::make_unique<ServiceCache>(services_->store());
  reconciler_ = std::make_unique<Reconciler>(
      client_, Reconciler::Caches{services_->store(), pods_->store(), config_maps_->store(), secrets_->store()},
      *parsed_, options_.reconciler, metrics_);

  services_->addHandlers({[this](const kube::ObjectPtr& o) { onService(nullptr, o); },
                          [this](const kube::ObjectPtr& a, const kube::ObjectPtr& b) { onService(a, b); },
                          [this](const kube::ObjectPtr& o) { onService(o, nullptr); }});
  pods_->addHandlers({[this](const kube::ObjectPtr& o) { onPod(nullptr, o); },
                      [this](const kube::ObjectPtr& a, const kube::ObjectPtr& b) { onPod(a, b); },
                      [this](const kube::ObjectPtr& o) { onPod(o, nullptr); }});
  config_maps_->addHandlers(
      {[this](const kube::ObjectPtr& o) { onChild("configmap", o, false); },
       [this](const kube::ObjectPtr&, const kube::ObjectPtr& b) { onChild("configmap", b, false); },
       [this](const kube::ObjectPtr& o) { onChild("configmap", o, true); }});
  secrets_->addHandlers({[this](const kube::ObjectPtr& o) { onChild("secret", o, false); },
                         [this](const kube::ObjectPtr&, const kube::ObjectPtr& b) { onChild("secret", b, false); },
                         [this](const kube::ObjectPtr& o) { onChild("secret", o, true); }});
}

Controller::~Controller() { stop(); }

void Controller::enqueueWithDependents(const std::string& ns, const std::string& name) {
  queue_.add(ns + "/" + name);
  std::set<std::string> deps;
  {
    std::lock_guard lock(index_mu_);
    deps = index_.dependentsOf(ns, name);
  }
  for (const auto& d : deps) queue_.add(ns + "/" + d);
}

void Controller::onService(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
  const Json& any = new_obj ? *new_obj : *old_obj;
  std::string ns = meta(any).value("namespace", "");
  std::string name = meta(any).value("name", "");
  if (!new_obj) {
    {
      std::lock_guard lock(index_mu_);
      index_.remove(ns, name);
    }
    parsed_->erase(ns, name);
    enqueueWithDependents(ns, name);  // its dependents now miss it
    return;
  }
  if (old_obj) {
    // Our own status writes come back as updates: only spec or lifecycle changes matter.
    bool changed = (*old_obj).value("spec", Json()) != (*new_obj).value("spec", Json()) ||
                   meta(*old_obj).value("generation", 0) != meta(*new_obj).value("generation", 0) ||
                   meta(*old_obj).value("uid", "") != meta(*new_obj).value("uid", "") ||
                   meta(*old_obj).contains("deletionTimestamp") != meta(*new_obj).contains("deletionTimestamp");
    if (!changed && old_obj != new_obj) return;  // resync replays (old == new) are level checks: queue them
  }
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
  for (const auto& d : before) queue_.add(ns + "/" + d);
  enqueueWithDependents(ns, name);
}

void Controller::onPod(const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
  std::string old_svc = old_obj ? serviceLabelOf(*old_obj) : "";
  std::string new_svc = new_obj ? serviceLabelOf(*new_obj) : "";
  if (old_obj && new_obj && old_obj != new_obj && old_svc == new_svc &&
      meta(*old_obj).value("labels", Json()) == meta(*new_obj).value("labels", Json()) &&
      endpointOrNull(*old_obj) == endpointOrNull(*new_obj))
    return;  // nothing an endpoint is made of changed
  const Json& any = new_obj ? *new_obj : *old_obj;
  std::string ns = meta(any).value("namespace", "");
  if (!old_svc.empty()) enqueueWithDependents(ns, old_svc);
  if (!new_svc.empty() && new_svc != old_svc) enqueueWithDependents(ns, new_svc);
}

void Controller::onChild(const std::string& kind, const kube::ObjectPtr& obj, bool deleted) {
  if (kind == "secret") {
    // The mesh CA Secret (when in scope): a change to it is followed at once.
    MeshStatePtr mesh = reconciler_->mesh();
    if (mesh && meta(*obj).value("namespace", "") == mesh->mesh.ca.namespace_ &&
        meta(*obj).value("name", "") == mesh->mesh.ca.secret_name) {
      queue_.add(kMeshCaKey);
      return;
    }
  }
  std::string owner = serviceLabelOf(*obj);
  if (owner.empty()) return;
  std::string ns = meta(*obj).value("namespace", "");
  if (!deleted && reconciler_->isOwnWrite(kind, ns + "/" + meta(*obj).value("name", ""), *obj)) return;
  queue_.add(ns + "/" + owner);
}

void Controller::worker() {
  while (auto key = queue_.get()) {
    if (metrics_) {
      metrics_->setQueueDepth(static_cast<double>(queue_.depth()));
      metrics_->setServices(static_cast<double>(services_->store().size()));
    }
    auto slash = key->find('/');
    std::string ns = key->substr(0, slash), name = key->substr(slash + 1);
    std::string id = std::to_string(++pass_ids_);
    auto start = std::chrono::steady_clock::now();
    Result<Action> result = Action{};
    if (*key == kMeshCaKey) {
      MeshStatePtr before = reconciler_->mesh();
      result = reconciler_->reconcileMeshCa();
      if (reconciler_->mesh() != before) enqueueAll();  // a new CA or trust bundle: every leaf looked at again
    } else {
      result = *key == kWebhookKey ? reconciler_->reconcileWebhook() : reconciler_->reconcile(ns, name);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    obs::LogFields fields = {{"controller", "paymentservice"}, {"namespace", ns}, {"name", name}, {"reconcile_id", id}};
    if (result.isOk()) {
      queue_.forget(*key);
      if (result->requeue_after) queue_.addAfter(*key, *result->requeue_after);
      if (metrics_) metrics_->reconciled(obs::ReconcileResult::kSuccess, seconds);
      if (obs::logEnabled(obs::LogLevel::kDebug)) {
        fields.emplace_back("duration_ms", std::to_string(static_cast<int64_t>(seconds * 1000)));
        obs::logDebug("reconciled", fields);
      }
    } else {
      ++failed_passes_;
      auto delay = queue_.addRateLimited(*key);
      if (auto after = kube::retryAfterOf(result.status()); after && *after > delay) queue_.addAfter(*key, *after);
      if (metrics_) {
        metrics_->reconciled(obs::ReconcileResult::kError, seconds);
        metrics_->retried();
      }
      fields.emplace_back("error", result.status().toString());
      fields.emplace_back("retry_in_ms", std::to_string(delay.count()));
      // Conflicts and throttling are routine under contention; the rest is worth a warning.
      auto code = result.status().code();
      bool routine = code == Code::kConflict || code == Code::kAlreadyExists || code == Code::kResourceExhausted;
      obs::log(routine ? obs::LogLevel::kDebug : obs::LogLevel::kWarn, "reconcile failed", fields);
    }
    ++passes_;
    queue_.done(*key);
  }
}

Status Controller::start(MeshStatePtr mesh, std::chrono::milliseconds sync_timeout) {
  reconciler_->setMesh(std::move(mesh));
  auto began = std::chrono::steady_clock::now();
  services_->start();
  pods_->start();
  config_maps_->start();
  secrets_->start();
  for (auto* inf : {services_.get(), pods_.get(), config_maps_.get(), secrets_.get()}) {
    if (!inf->waitForSync(sync_timeout)) return unavailable("informer caches did not sync in time");
  }
  synced_ = true;
  obs::logInfo(
      "informer caches synced",
      {{"duration_ms",
        std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count())},
       {"paymentservices", std::to_string(services_->store().size())},
       {"pods", std::to_string(pods_->store().size())},
       {"queued", std::to_string(queue_.depth())}});
  queue_.add(kMeshCaKey);
  if (options_.manage_webhook) queue_.add(kWebhookKey);
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { worker(); });
  return Status::ok();
}

void Controller::stop() {
  if (stopped_.exchange(true)) return;
  queue_.shutDown();
  workers_.clear();  // joins: each finishes its pass in flight
  for (auto* inf : {services_.get(), pods_.get(), config_maps_.get(), secrets_.get()}) inf->stop();
}

void Controller::setMesh(MeshStatePtr mesh) {
  reconciler_->setMesh(std::move(mesh));
  enqueueAll();
}

void Controller::enqueueAll() {
  queue_.add(kMeshCaKey);
  if (options_.manage_webhook) queue_.add(kWebhookKey);
  for (const auto& key : services_->store().keys()) queue_.add(key);
}

}  // namespace paymesh::ctrl
