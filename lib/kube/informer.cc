#include "kube/informer.h"

#include <condition_variable>
#include <exception>

#include "kube/object_key.h"
#include "obs/log.h"

namespace paymesh::kube {

namespace {

// Runs one handler (or one event's processing): what it throws is logged with the object
// and dropped, so one object a handler cannot read neither ends the informer's thread (and
// the process) nor keeps other handlers from their events. The periodic resync and the
// next event of the object give the handler another look.
template <typename Fn>
void guarded(const char* what, const std::string& resource, const Json* object, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    obs::logWarn("informer handler failed", {{"stage", what},
                                             {"resource", resource},
                                             {"object", object ? ObjectKey::of(*object).str() : ""},
                                             {"error", e.what()}});
  } catch (...) {
    obs::logWarn("informer handler failed", {{"stage", what},
                                             {"resource", resource},
                                             {"object", object ? ObjectKey::of(*object).str() : ""},
                                             {"error", "a non-standard exception"}});
  }
}

}  // namespace

Informer::Informer(Client& client, ResourceRef res, std::string ns, InformerOptions options)
    : client_(client), res_(std::move(res)), ns_(std::move(ns)), options_(std::move(options)), store_(options_.trim) {}

Informer::~Informer() { stop(); }

void Informer::addHandlers(ResourceEventHandlers handlers) { handlers_.push_back(std::move(handlers)); }

void Informer::start() {
  loop_ = std::jthread([this](std::stop_token stop) {
    ListOptions sel;
    sel.label_selector = options_.label_selector;
    sel.field_selector = options_.field_selector;
    sel.limit = options_.page_size;
    Watcher watcher(client_, res_, ns_, sel, options_.backoff, options_.watch_timeout);
    while (!stop.stop_requested()) {
      watcher.step([this](WatcherEvent&& ev) { apply(std::move(ev)); }, stop);
      std::lock_guard<std::mutex> lock(stats_mu_);
      stats_ = watcher.stats();
    }
  });
  if (options_.resync.count() > 0) {
    resync_ = std::jthread([this](std::stop_token stop) {
      std::mutex m;
      std::condition_variable_any cv;
      for (;;) {
        std::unique_lock<std::mutex> lock(m);
        if (cv.wait_for(lock, stop, options_.resync, [] { return false; })) return;
        if (stop.stop_requested()) return;
        if (!synced_) continue;
        std::lock_guard<std::mutex> dispatch(dispatch_mu_);
        // One object decoded at a time: a resync of a large cache does not copy all of it.
        for (const auto& key : store_.keys()) {
          ObjectPtr obj = store_.get(key);
          if (!obj) continue;
          for (const auto& h : handlers_) {
            if (h.on_update) guarded("resync", res_.resource, obj.get(), [&] { h.on_update(obj, obj); });
          }
        }
      }
    });
  }
}

void Informer::stop() {
  if (resync_.joinable()) {
    resync_.request_stop();
    resync_.join();
  }
  if (loop_.joinable()) {
    loop_.request_stop();
    loop_.join();
  }
}

bool Informer::waitForSync(std::chrono::milliseconds timeout, std::stop_token stop) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced_) {
    if (std::chrono::steady_clock::now() >= deadline || stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

WatcherStats Informer::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void Informer::apply(WatcherEvent&& ev) {
  std::lock_guard<std::mutex> dispatch(dispatch_mu_);
  guarded("event", res_.resource, ev.kind == WatcherEvent::Kind::kListPage ? nullptr : &ev.object,
          [&] { applyLocked(std::move(ev)); });
}

void Informer::dispatch(const ObjectPtr& old_obj, const ObjectPtr& now) {
  for (const auto& h : handlers_) {
    const Json* any = now ? now.get() : old_obj.get();
    if (!old_obj && h.on_add) guarded("add", res_.resource, any, [&] { h.on_add(now); });
    if (old_obj && now && h.on_update) guarded("update", res_.resource, any, [&] { h.on_update(old_obj, now); });
    if (!now && h.on_delete) guarded("delete", res_.resource, any, [&] { h.on_delete(old_obj); });
  }
}

void Informer::applyLocked(WatcherEvent&& ev) {
  switch (ev.kind) {
    case WatcherEvent::Kind::kListPage: {
      // Each page is trimmed and packed into the batch before the next one is fetched.
      if (ev.first_page || !relist_) relist_ = std::make_unique<Store::Batch>(store_.newBatch());
      for (auto& obj : ev.objects) relist_->add(std::move(obj));
      ev.objects.clear();
      ev.objects.shrink_to_fit();
      if (!ev.last_page) break;
      Store::Batch batch = std::move(*relist_);
      relist_.reset();
      store_.replace(std::move(batch),
                     [this](const ObjectPtr& old_obj, const ObjectPtr& now) { dispatch(old_obj, now); });
      synced_ = true;
      break;
    }
    case WatcherEvent::Kind::kApplied: {
      auto [old, now] = store_.upsert(std::move(ev.object));
      if (now) dispatch(old, now);  // null: not kept (the store logged why)
      break;
    }
    case WatcherEvent::Kind::kDeleted: {
      ObjectKey key = ObjectKey::of(ev.object);
      if (auto gone = store_.erase(key.ns, key.name)) dispatch(gone, nullptr);
      break;
    }
  }
}

}  // namespace paymesh::kube
