#include "kube/runner.h"

#include <algorithm>
#include <exception>

#include "kube/errors.h"
#include "obs/log.h"

namespace paymesh::kube {

namespace {

// Unique across every runner of the process, so one id names one pass in the logs.
std::atomic<uint64_t> g_reconcile_ids{0};

// Conflicts and throttling are routine under contention; anything else is worth a warning.
bool routine(const Status& s) {
  return s.code() == Code::kConflict || s.code() == Code::kAlreadyExists || s.code() == Code::kResourceExhausted;
}

std::string millis(double seconds) { return std::to_string(static_cast<int64_t>(seconds * 1000)); }

}  // namespace

Runner::Runner(Reconciler& reconciler, RunnerOptions options)
    : reconciler_(reconciler), options_(std::move(options)), queue_(options_.queue) {}

Runner::~Runner() { stop(); }

void Runner::enqueue(const ObjectKey& key) { queue_.add(key.str()); }

void Runner::enqueueAfter(const ObjectKey& key, std::chrono::milliseconds delay) { queue_.addAfter(key.str(), delay); }

void Runner::start() {
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { worker(); });
}

void Runner::stop() {
  if (stopped_.exchange(true)) return;
  queue_.shutDown();
  workers_.clear();  // joins: each finishes its pass in flight
}

bool Runner::processNext() {
  auto key = queue_.tryGet();
  if (!key) return false;
  runPass(*key);
  return true;
}

void Runner::worker() {
  while (auto key = queue_.get()) runPass(*key);
}

Result<Action> Runner::guardedReconcile(const ObjectKey& key) {
  try {
    return reconciler_.reconcile(key);
  } catch (const std::exception& e) {
    return internalError(std::string("reconcile threw: ") + e.what());
  } catch (...) {
    return internalError("reconcile threw a non-standard exception");
  }
}

void Runner::runPass(const std::string& key) {
  ObjectKey object = ObjectKey::parse(key);
  obs::LogScope scope({{"controller", options_.controller},
                       {"namespace", object.ns},
                       {"name", object.name},
                       {"reconcile_id", std::to_string(++g_reconcile_ids)}});
  auto start = std::chrono::steady_clock::now();
  Result<Action> result = guardedReconcile(object);
  settle(key, result, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  queue_.done(key);
}

void Runner::settle(const std::string& key, const Result<Action>& result, double seconds) {
  ++passes_;
  if (options_.on_pass) options_.on_pass(result.isOk(), seconds);
  if (result.isOk()) {
    queue_.forget(key);
    if (result->requeue_after) queue_.addAfter(key, *result->requeue_after);
    if (obs::logEnabled(obs::LogLevel::kDebug)) obs::logDebug("reconciled", {{"duration_ms", millis(seconds)}});
    return;
  }
  ++failures_;
  auto retry_after = retryAfterOf(result.status()).value_or(std::chrono::seconds::zero());
  auto delay = queue_.addRateLimited(key, retry_after);
  if (options_.on_retry) options_.on_retry();
  obs::log(routine(result.status()) ? obs::LogLevel::kDebug : obs::LogLevel::kWarn, "reconcile failed",
           {{"error", result.status().toString()}, {"retry_in_ms", std::to_string(delay.count())}});
}

}  // namespace paymesh::kube
