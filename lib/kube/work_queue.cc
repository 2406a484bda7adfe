#include "kube/work_queue.h"

#include <algorithm>

#include "base/saturating_time.h"

namespace paymesh::kube {

WorkQueue::WorkQueue(WorkQueueOptions options) : options_(options) {}

void WorkQueue::addLocked(const std::string& key) {
  if (shutting_down_) return;
  if (!dirty_.insert(key).second) return;
  if (processing_.count(key)) return;  // requeued by done()
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  addLocked(key);
}

void WorkQueue::addAfter(const std::string& key, std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  if (delay <= std::chrono::milliseconds::zero()) {
    addLocked(key);
    return;
  }
  auto at = saturatingAdd(options_.now(), delay);  // a delay of years must not wrap into the past
  auto it = waiting_at_.find(key);
  if (it != waiting_at_.end()) {
    if (it->second <= at) return;
    auto range = waiting_.equal_range(it->second);
    for (auto w = range.first; w != range.second; ++w) {
      if (w->second == key) {
        waiting_.erase(w);
        break;
      }
    }
  }
  waiting_.emplace(at, key);
  waiting_at_[key] = at;
  cv_.notify_all();  // a sleeping get() may need to wake earlier
}

std::chrono::milliseconds WorkQueue::addRateLimited(const std::string& key, std::chrono::milliseconds at_least) {
  int n;
  {
    std::lock_guard lock(mu_);
    n = failures_[key]++;
  }
  auto delay = options_.base_backoff;
  for (int i = 0; i < n && delay < options_.max_backoff; ++i) delay *= 2;
  delay = std::max(std::min(delay, options_.max_backoff), at_least);
  addAfter(key, delay);
  return delay;
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promoteDueLocked(Clock::time_point now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    waiting_at_.erase(key);
    addLocked(key);
  }
}

std::string WorkQueue::takeLocked() {
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    auto now = options_.now();
    promoteDueLocked(now);
    if (!queue_.empty()) return takeLocked();
    if (waiting_.empty()) {
      cv_.wait(lock);
    } else {
      // The clock's distance to the next timed key, waited in real time (a copy: the
      // node may be erased by another thread while this one waits).
      const Clock::duration until = waiting_.begin()->first - now;
      cv_.wait_for(lock, until);
    }
  }
}

std::optional<std::string> WorkQueue::tryGet() {
  std::lock_guard lock(mu_);
  if (shutting_down_) return std::nullopt;
  promoteDueLocked(options_.now());
  if (queue_.empty()) return std::nullopt;
  return takeLocked();
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key) && !shutting_down_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
  cv_.notify_all();  // waitIdle
}

void WorkQueue::shutDown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

bool WorkQueue::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return processing_.empty(); });
}

size_t WorkQueue::depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t WorkQueue::delayed() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

size_t WorkQueue::processing() const {
  std::lock_guard lock(mu_);
  return processing_.size();
}

}  // namespace paymesh::kube
