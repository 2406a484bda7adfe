#pragma once
// A controller's runner, in the spirit of controller-runtime's internal controller
// (pkg/internal/controller/controller.go): a work queue of object keys and N workers,
// each taking a key and calling the reconciler with that key alone (level-based: the
// reconciler reads what it needs; it never sees the event that queued the key). What a
// pass's result means:
//   ok        the key's failures are forgotten; with requeue_after it comes back then
//             (a renewal time, a periodic look), else when an event queues it;
//   error     it comes back after its per-key exponential backoff, or after the server's
//             Retry-After when that is longer (a 429);
//   throws    caught here: a failed pass like an error, so one bad object never ends
//             the process.
// Every record a pass logs carries controller, namespace, name and a process-unique
// reconcile_id (obs::LogScope). The runner logs a failed pass once (warn; conflicts,
// AlreadyExists and throttling at debug) and a successful one at debug; the reconciler
// returns its error rather than logging it.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "kube/object_key.h"
#include "kube/work_queue.h"

namespace paymesh::kube {

struct Action {
  std::optional<std::chrono::milliseconds> requeue_after;
};

class Reconciler {
public:
  virtual ~Reconciler() = default;
  virtual Result<Action> reconcile(const ObjectKey& key) = 0;
};

struct RunnerOptions {
  std::string controller = "controller";  // in logs (and the caller's metrics): a fixed name
  int workers = 1;
  WorkQueueOptions queue;
  // After every pass, on the worker's thread: whether it succeeded and how long it took.
  std::function<void(bool ok, double seconds)> on_pass;
  // After a failed pass has been queued again with backoff.
  std::function<void()> on_retry;
};

class Runner {
public:
  Runner(Reconciler& reconciler, RunnerOptions options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void enqueue(const ObjectKey& key);
  void enqueueAfter(const ObjectKey& key, std::chrono::milliseconds delay);

  // Starts the workers; keys queued before are processed then.
  void start();
  // Stops intake and waits for the workers, each finishing its pass in flight.
  void stop();

  // Runs the pass of one ready key on the calling thread, as a worker would, without
  // waiting (tests driving the queue's clock). False when no key is ready.
  bool processNext();

  const WorkQueue& queue() const { return queue_; }
  uint64_t passes() const { return passes_; }
  uint64_t failures() const { return failures_; }

private:
  void worker();
  void runPass(const std::string& key);
  // The reconciler's result, with an exception turned into an Internal error.
  Result<Action> guardedReconcile(const ObjectKey& key);
  void settle(const std::string& key, const Result<Action>& result, double seconds);

  Reconciler& reconciler_;
  RunnerOptions options_;
  WorkQueue queue_;
  std::vector<std::jthread> workers_;
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> passes_{0}, failures_{0};
};

}  // namespace paymesh::kube
