#pragma once
// An informer: a Watcher feeding a Store, with add/update/delete handlers and a periodic
// resync that replays every cached object as an update (so level-based consumers catch up
// on anything they dropped).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "kube/store.h"
#include "kube/watcher.h"

namespace paymesh::kube {

struct ResourceEventHandlers {
  std::function<void(const ObjectPtr&)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr&)> on_delete;
};

struct InformerOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  std::chrono::milliseconds resync{0};  // 0: no resync
  Trimmer trim = dropManagedFields;
  Backoff backoff;
  std::chrono::seconds watch_timeout{300};
};

class Informer {
public:
  Informer(Client& client, ResourceRef res, std::string ns, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Before start().
  void addHandlers(ResourceEventHandlers handlers);
  void start();
  void stop();
  // True once the first list has been stored.
  bool hasSynced() const { return synced_; }
  // False when `timeout` passed, or `stop` was requested, before the first list was stored.
  bool waitForSync(std::chrono::milliseconds timeout, std::stop_token stop = {}) const;

  const Store& store() const { return store_; }
  WatcherStats stats() const;

private:
  // What the watcher saw, into the store and the handlers; nothing a handler or a
  // malformed object throws escapes it (it is logged with the object's key).
  void apply(WatcherEvent&& event);
  void applyLocked(WatcherEvent&& event);
  // The handlers for one change: added (old_obj null), updated, or deleted (now null).
  void dispatch(const ObjectPtr& old_obj, const ObjectPtr& now);

  Client& client_;
  ResourceRef res_;
  std::string ns_;
  InformerOptions options_;
  Store store_;
  std::unique_ptr<Store::Batch> relist_;  // the pages of a relist in progress
  std::vector<ResourceEventHandlers> handlers_;
  std::atomic<bool> synced_{false};
  std::mutex dispatch_mu_;  // handlers run one at a time
  mutable std::mutex stats_mu_;
  WatcherStats stats_;
  std::jthread loop_;
  std::jthread resync_;
};

}  // namespace paymesh::kube
