#pragma once
// The list/watch loop as an explicit state machine:
//
//   Relist --ok--> Watch --stream ended--> Watch (resume from the last resourceVersion)
//     ^  \            |  \--410 Gone------> Relist
//     |   \--error--> Backoff <--error-----/
//     \-------------- Backoff --> (Relist or Watch, whichever failed)
//
// Each step() performs one transition and hands what it saw to the sink. A relist is handed
// over page by page (kListPage, the last one flagged), so a consumer can shrink each page
// before the next arrives instead of holding every full object of a large list at once; a
// relist that fails part-way is started again from a first page. The resume point is the
// last resourceVersion seen, bookmarks included.
//
// A failed list or watch is logged at warning with the resource, the error and the delay
// before the next try (the backoff doubles up to its cap), the first time and then as
// FailureLog allows while it persists; the recovery is logged once. A 410 is routine (a
// relist), not a failure.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/failure_log.h"

namespace paymesh::kube {

struct Backoff {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds max{5000};
};

struct WatcherEvent {
  enum class Kind { kListPage, kApplied, kDeleted };
  Kind kind;
  std::vector<Json> objects;  // kListPage: one page of the relist
  bool first_page = false;    // kListPage: a new relist starts (drop pages of an unfinished one)
  bool last_page = false;     // kListPage: the relist is complete
  Json object;                // kApplied / kDeleted
};

struct WatcherStats {
  uint64_t relists = 0;
  uint64_t watches = 0;  // streams opened
  uint64_t gone = 0;     // 410s seen
  uint64_t errors = 0;
};

class Watcher {
public:
  enum class State { kRelist, kWatch, kBackoff };
  using Sink = std::function<void(WatcherEvent&&)>;

  Watcher(Client& client, ResourceRef res, std::string ns, ListOptions selectors, Backoff backoff = {},
          std::chrono::seconds watch_timeout = std::chrono::seconds(300));

  State step(const Sink& sink, std::stop_token stop);
  void run(const Sink& sink, std::stop_token stop);

  State state() const { return state_; }
  const std::string& resourceVersion() const { return rv_; }
  const Status& lastError() const { return last_error_; }
  const WatcherStats& stats() const { return stats_; }

private:
  void fail(Status status, State resume);
  void recovered();

  Client& client_;
  ResourceRef res_;
  std::string ns_;
  ListOptions selectors_;
  Backoff backoff_;
  std::chrono::seconds watch_timeout_;
  State state_ = State::kRelist;
  State resume_ = State::kRelist;
  std::chrono::milliseconds delay_;
  std::string rv_;
  Status last_error_;
  WatcherStats stats_;
  FailureLog failure_log_;
};

const char* stateName(Watcher::State state);

}  // namespace paymesh::kube
