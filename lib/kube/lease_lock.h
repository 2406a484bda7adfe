#pragma once
// Leader election on a coordination.k8s.io/v1 Lease. The holder renews every retry
// period; a candidate takes the Lease once it has seen the same record unchanged for a
// whole lease duration (measured on its own clock, so clocks need not agree). A leader
// that cannot renew within the renew deadline steps down at once. Each successful
// renewal opens the WriteGate (leader_gated_client.h) until the renew deadline after the
// renewal began, so writes stop at the deadline even if this thread is not running.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "base/status.h"
#include "kube/client.h"
#include "kube/leader_gated_client.h"

namespace paymesh::kube {

struct LeaseRecord {
  std::string holder;
  int64_t lease_duration_seconds = 0;
  std::string acquire_time;  // MicroTime
  std::string renew_time;
  int64_t transitions = 0;
};

LeaseRecord leaseRecordOf(const Json& lease);

// Pure: what a candidate does given the current record. `observed_since` is when (on the
// candidate's clock) the record was last seen to change.
enum class LeaseAction { kCreate, kAcquire, kRenew, kWait };
LeaseAction decideLease(const std::optional<LeaseRecord>& current, const std::string& identity,
                        std::chrono::steady_clock::time_point observed_since, std::chrono::milliseconds lease_duration,
                        std::chrono::steady_clock::time_point now);

// "2026-01-02T03:04:05.123456Z"
std::string microTime(std::chrono::system_clock::time_point t);

struct LeaderElectionOptions {
  std::string ns = "paymesh-system";
  std::string name = "paymesh-operator";
  std::string identity;
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // The monotonic clock of every deadline (tests drive it); the sleeps between attempts
  // are real time.
  WriteGate::Clock clock = std::chrono::steady_clock::now;
};

class LeaderElector {
public:
  // `gate` (optional, outliving the elector) is opened by each renewal and closed when
  // leadership is lost or released.
  LeaderElector(Client& client, LeaderElectionOptions options, WriteGate* gate = nullptr);

  // Runs until `stop`: acquires, renews, and calls on_started / on_stopped on changes
  // (on_stopped runs in this thread before anything else happens once leadership is lost).
  void run(std::stop_token stop, const std::function<void()>& on_started, const std::function<void()>& on_stopped);
  bool isLeader() const { return leader_; }
  // Gives the Lease up (holder cleared) so a standby takes over without waiting.
  Status release();

private:
  // One attempt begun at `now`; true when this replica holds the Lease afterwards.
  bool tryAcquireOrRenew(std::chrono::steady_clock::time_point now);
  void stepDown(const std::function<void()>& on_stopped);

  Client& client_;
  LeaderElectionOptions options_;
  WriteGate* gate_;
  std::atomic<bool> leader_{false};
  std::mutex mu_;
  std::string observed_key_;  // holder + renewTime last seen
  std::chrono::steady_clock::time_point observed_since_{};
  std::atomic<bool> held_by_other_{false};
};

}  // namespace paymesh::kube
