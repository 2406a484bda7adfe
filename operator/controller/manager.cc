#include "operator/controller/manager.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "obs/log.h"
#include "operator/controller/mesh_ca.h"

namespace paymesh::ctrl {

namespace {

constexpr std::chrono::seconds kCaRetry{2};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Manager::Manager(kube::Client& client, ManagerOptions options, obs::OperatorMetrics& metrics)
    : client_(client), options_(std::move(options)), metrics_(metrics), writer_(client, gate_) {
  if (!options_.mesh_config_path.empty()) mesh_text_ = readFile(options_.mesh_config_path);
}

Manager::~Manager() { shutDown(); }

void Manager::notify(bool Manager::*flag) {
  std::lock_guard lock(mu_);
  this->*flag = true;
  cv_.notify_all();
}

void Manager::stop() {
  stopping_.request_stop();
  notify(&Manager::stop_);
}

void Manager::setLeading(bool leading) {
  if (!leading) gate_.close();  // the elector closed it already; a replica that lost the Lease writes nothing
  metrics_.setLeader(leading);
  std::lock_guard lock(mu_);
  leading_ = leading;
  leadership_changed_ = true;
  cv_.notify_all();
}

void Manager::startElection() {
  const auto& le = *options_.election;
  // The elector writes the Lease itself (with the plain client): that is how it leads.
  elector_ = std::make_unique<kube::LeaderElector>(client_, le, &gate_);
  obs::logInfo("waiting for the leader Lease",
               {{"lease", kube::Store::keyOf(le.ns, le.name)}, {"identity", le.identity}});
  ready_ = true;  // a standby is ready: it serves health and waits
  elector_thread_ = std::jthread([this](std::stop_token stop) {
    elector_->run(
        stop, [this] { setLeading(true); }, [this] { setLeading(false); });
  });
}

void Manager::startWatchingMeshConfig() {
  if (options_.mesh_config_path.empty()) return;
  auto watcher = files::PathWatcher::start(
      {options_.mesh_config_path}, [this](const std::vector<std::string>&) { notify(&Manager::mesh_changed_); });
  if (!watcher.isOk()) {
    obs::logError("mesh config is not watched; changes need a restart", {{"error", watcher.status().toString()}});
    return;
  }
  watcher_ = std::move(*watcher);
}

int Manager::run() {
  startWatchingMeshConfig();
  if (options_.election)
    startElection();
  else {
    gate_.openWithoutLease();
    setLeading(true);
  }
  int exit_code = 0;
  bool retry = false;  // a start waits for the mesh CA: try again at retry_at
  auto retry_at = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    auto woken = [this] { return stop_ || leadership_changed_ || mesh_changed_; };
    if (retry)
      cv_.wait_until(lock, retry_at, woken);
    else
      cv_.wait(lock, woken);
    if (stop_) break;
    bool leading = leading_;
    bool reload = std::exchange(mesh_changed_, false);
    leadership_changed_ = false;
    lock.unlock();
    if (reload) reloadMeshConfig();
    if (!leading && controller_) {
      obs::logWarn("lost the leader Lease; stopped writing");
      controller_.reset();  // stops it: passes in flight finish, their writes refused
    }
    Start started = leading && !controller_ ? startController() : Start::kStarted;
    retry = started == Start::kRetry;
    if (retry) retry_at = std::chrono::steady_clock::now() + kCaRetry;
    lock.lock();
    if (started == Start::kStopped) break;
    if (started == Start::kFailed) {
      exit_code = 1;
      break;
    }
  }
  lock.unlock();
  shutDown();
  return exit_code;
}

Manager::Start Manager::startController() {
  auto state = ensureMeshCa(writer_, options_.mesh, std::chrono::system_clock::now());
  if (!state.isOk()) {
    obs::logError("mesh CA unavailable", {{"error", state.status().toString()}});
    return Start::kRetry;
  }
  controller_ = std::make_unique<Controller>(client_, writer_, options_.controller, &metrics_);
  Status s = controller_->start(*state, options_.sync_timeout, stopping_.get_token());
  if (!s.isOk() && stopping_.stop_requested()) {
    obs::logInfo("stopped while waiting for the informer caches");
    controller_.reset();
    return Start::kStopped;
  }
  if (!s.isOk()) {
    obs::logError("controller did not start", {{"error", s.toString()}});
    controller_.reset();
    return Start::kFailed;
  }
  ready_ = true;
  const std::string& ns = options_.controller.ns;
  obs::logInfo("controller started",
               {{"namespace", ns.empty() ? "*" : ns}, {"workers", std::to_string(options_.controller.workers)}});
  return Start::kStarted;
}

void Manager::reloadMeshConfig() {
  const std::string& path = options_.mesh_config_path;
  std::string text = readFile(path);
  if (text == mesh_text_) return;  // the same bytes again (one change can raise several events)
  mesh_text_ = text;
  auto loaded = model::loadMeshConfig(path);
  if (!loaded.isOk()) {
    obs::logError("mesh config not reloaded; keeping the previous one", {{"error", loaded.status().message()}});
    return;
  }
  options_.mesh = std::move(*loaded);
  obs::logInfo("mesh config reloaded", {{"file", path}});
  if (!controller_) return;  // the next start uses it
  auto state = ensureMeshCa(writer_, options_.mesh, std::chrono::system_clock::now());
  if (state.isOk())
    controller_->setMesh(*state);
  else
    obs::logError("mesh CA unavailable after reload", {{"error", state.status().toString()}});
}

void Manager::shutDown() {
  if (!watcher_ && !controller_ && !elector_) return;
  obs::logInfo("stopping: finishing the passes in flight");
  watcher_.reset();
  controller_.reset();
  if (elector_) {
    elector_thread_.request_stop();
    if (elector_thread_.joinable()) elector_thread_.join();
    Status s = elector_->release();  // only when holding the Lease
    if (!s.isOk()) obs::logWarn("lease not released", {{"error", s.toString()}});
    elector_.reset();
  }
  obs::logInfo("stopped");
}

}  // namespace paymesh::ctrl
