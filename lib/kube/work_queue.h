#pragma once
// A controller work queue of object keys ("namespace/name"): a key queued several times
// before a worker takes it is processed once; a key being processed is never handed to a
// second worker (if it is queued meanwhile it comes back once the first worker is done);
// failures back off per key exponentially; addAfter schedules timed work.
//
// Time comes from an injected clock (steady_clock by default). A test that drives a
// manual clock takes keys with tryGet() after moving it: get() waits in real time for
// the clock's distance to the next timed key.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace paymesh::kube {

struct WorkQueueOptions {
  std::chrono::milliseconds base_backoff{5};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(300)};
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class WorkQueue {
public:
  using Clock = std::chrono::steady_clock;
  explicit WorkQueue(WorkQueueOptions options = {});

  // Queues a key unless it is already waiting. Ignored after shutDown().
  void add(const std::string& key);
  // Queues a key once `delay` has passed (an earlier pending time for the key wins).
  void addAfter(const std::string& key, std::chrono::milliseconds delay);
  // Queues a key after its backoff (base * 2^failures, capped), or after `at_least` when
  // that is longer (a server's Retry-After), and counts a failure. Returns the delay used.
  std::chrono::milliseconds addRateLimited(const std::string& key,
                                           std::chrono::milliseconds at_least = std::chrono::milliseconds::zero());
  // Clears a key's failure count (after a success).
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // Blocks until a key is ready; nullopt once shut down. The caller must call done(key).
  std::optional<std::string> get();
  // A ready key if there is one now (by the injected clock), without waiting.
  std::optional<std::string> tryGet();
  void done(const std::string& key);

  // Stops intake: get() returns nullopt from now on (keys not yet handed out are dropped);
  // keys in flight are still finished by their workers.
  void shutDown();
  bool shuttingDown() const;
  // Waits until no key is being processed (after shutDown, for a clean stop).
  bool waitIdle(std::chrono::milliseconds timeout) const;

  size_t depth() const;       // keys ready to be handed out
  size_t delayed() const;     // keys waiting for a time
  size_t processing() const;  // keys being worked on

private:
  void addLocked(const std::string& key);
  void promoteDueLocked(Clock::time_point now);
  std::string takeLocked();

  WorkQueueOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;  // queued or to be requeued after processing
  std::unordered_set<std::string> processing_;
  std::multimap<Clock::time_point, std::string> waiting_;
  std::unordered_map<std::string, Clock::time_point> waiting_at_;  // key -> its time in waiting_
  std::unordered_map<std::string, int> failures_;
  bool shutting_down_ = false;
};

}  // namespace paymesh::kube
