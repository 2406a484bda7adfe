#pragma once
// Writes fenced by leadership. A LeaderGatedClient lets writes through only while its
// WriteGate is open: the one place leadership is checked, so no reconciler asks. Reads
// and watches always pass; a refused write returns FailedPrecondition "not the leader:
// write skipped" (isNotLeader tells it apart), is logged, and never reaches the server.
//
// The gate is open without election, or until the renew deadline after the start of the
// last successful Lease renewal, on this process's monotonic clock. It is checked at
// every write, not only when the elector thread runs: a leader paused (SIGSTOP, a frozen
// VM) past its deadline refuses from its first write after it resumes, before its elector
// has read the Lease again. Why that is enough: a standby takes the Lease only after it
// has seen the record unchanged for a whole lease duration, counted from when it read
// our renewal, which is after the renewal began; the renew deadline is shorter, so a
// write let through leaves this process at least (lease duration - renew deadline)
// before the standby can lead. Updates also carry the resourceVersion they were computed
// from (a write racing the new leader's is a Conflict); creates cannot, the deadline
// fences them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "kube/client.h"

namespace paymesh::kube {

bool isNotLeader(const Status& status);

class WriteGate {
public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  explicit WriteGate(Clock clock = std::chrono::steady_clock::now) : clock_(std::move(clock)) {}

  // No election: writes pass until close().
  void openWithoutLease() { open_until_ = kForever; }
  // A Lease renewal (or acquisition) that began at `began` succeeded: writes pass until
  // began + valid_for.
  void renewed(TimePoint began, std::chrono::milliseconds valid_for);
  // Leadership lost or given up: nothing passes until the next renewal.
  void close() { open_until_ = kClosed; }
  bool mayWrite() const;
  TimePoint now() const { return clock_(); }

private:
  static constexpr int64_t kClosed = INT64_MIN;
  static constexpr int64_t kForever = INT64_MAX;

  Clock clock_;
  std::atomic<int64_t> open_until_{kClosed};  // nanoseconds on clock_'s epoch
};

class LeaderGatedClient : public Client {
public:
  LeaderGatedClient(Client& inner, const WriteGate& gate) : inner_(inner), gate_(gate) {}

  Result<Json> get(const ResourceRef& res, const std::string& ns, const std::string& name) override;
  Result<ObjectList> list(const ResourceRef& res, const std::string& ns, const ListOptions& options) override;
  Result<Json> create(const ResourceRef& res, const std::string& ns, const Json& object,
                      Answer answer = Answer::kObject) override;
  Result<Json> update(const ResourceRef& res, const Json& object, Answer answer = Answer::kObject) override;
  Result<Json> updateStatus(const ResourceRef& res, const Json& object) override;
  Result<Json> patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                     const Json& patch, bool status_subresource = false, Answer answer = Answer::kObject) override;
  Status remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                const DeleteOptions& options) override;
  Status watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override;

private:
  // OK when the gate is open; else the refusal, logged with what was refused.
  Status admit(const char* verb, const ResourceRef& res, const std::string& ns, const std::string& name) const;

  Client& inner_;
  const WriteGate& gate_;
};

}  // namespace paymesh::kube
