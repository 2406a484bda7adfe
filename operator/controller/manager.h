#pragma once
// The operator's manager: what runs between main() and the controller.
//   - Leader election (optional): the controller runs only while this replica holds the
//     Lease. Every write goes through one leader-gated client, whose gate each renewal
//     opens until its renew deadline (so a paused leader refuses writes once it resumes
//     past it); losing the Lease closes the gate at once, then stops the controller;
//     winning again starts a fresh one.
//   - The mesh config file, watched with inotify (files::PathWatcher, which sees the
//     kubelet's `..data` swap of a mounted ConfigMap): a changed, valid file replaces the mesh
//     state and every service is reconciled again; one that does not parse is logged and
//     the previous one kept.
//   - stop(): intake stops, the passes in flight finish, the Lease is released (holder
//     cleared) so a standby takes over without waiting. It is honoured at every stage,
//     the wait for the informer caches' first lists included (a missing CRD never
//     syncs): run() then returns 0.
// run() acts on events (leadership won or lost, the file changed, stop), never on a
// timer; the one exception is a start that found no mesh CA, tried again every 2 s.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "files/path_watcher.h"
#include "kube/leader_gated_client.h"
#include "kube/lease_lock.h"
#include "model/mesh_config.h"
#include "obs/metrics.h"
#include "operator/controller/controller.h"

namespace paymesh::ctrl {

struct ManagerOptions {
  ControllerOptions controller;
  std::optional<kube::LeaderElectionOptions> election;  // unset: this replica always leads
  model::MeshConfig mesh;                               // as loaded at start
  std::string mesh_config_path;                         // "": built-in defaults, nothing watched
  std::chrono::milliseconds sync_timeout = std::chrono::minutes(10);
};

class Manager {
public:
  Manager(kube::Client& client, ManagerOptions options, obs::OperatorMetrics& metrics);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Runs until stop(); returns the exit code: 0, or 1 when the controller did not start.
  int run();
  // From any thread (the signal thread).
  void stop();
  // /readyz: the controller's caches synced, or waiting as a standby.
  bool ready() const { return ready_; }

private:
  enum class Start { kStarted, kRetry, kFailed, kStopped };
  void startElection();
  void startWatchingMeshConfig();
  void setLeading(bool leading);
  void notify(bool Manager::*flag);
  Start startController();
  void reloadMeshConfig();
  void shutDown();

  kube::Client& client_;
  ManagerOptions options_;
  obs::OperatorMetrics& metrics_;
  kube::WriteGate gate_;
  kube::LeaderGatedClient writer_;
  std::atomic<bool> ready_{false};
  std::string mesh_text_;  // the file as last read, so that a rewrite with the same bytes is no reload

  std::unique_ptr<Controller> controller_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::jthread elector_thread_;
  std::unique_ptr<files::PathWatcher> watcher_;

  std::stop_source stopping_;  // requested by stop(): ends a start waiting for the caches
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool leading_ = false;
  bool leadership_changed_ = false;
  bool mesh_changed_ = false;
};

}  // namespace paymesh::ctrl
