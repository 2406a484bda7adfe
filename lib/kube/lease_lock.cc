#include "kube/lease_lock.h"

#include <condition_variable>
#include <cstdio>
#include <ctime>

#include "base/time_format.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace paymesh::kube {

LeaseRecord leaseRecordOf(const Json& lease) {
  LeaseRecord r;
  const Json& spec = lease.value("spec", Json::object());
  auto str = [&](const char* k) { return spec.contains(k) && spec[k].is_string() ? spec[k].get<std::string>() : ""; };
  r.holder = str("holderIdentity");
  r.acquire_time = str("acquireTime");
  r.renew_time = str("renewTime");
  if (spec.contains("leaseDurationSeconds") && spec["leaseDurationSeconds"].is_number())
    r.lease_duration_seconds = spec["leaseDurationSeconds"].get<int64_t>();
  if (spec.contains("leaseTransitions") && spec["leaseTransitions"].is_number())
    r.transitions = spec["leaseTransitions"].get<int64_t>();
  return r;
}

LeaseAction decideLease(const std::optional<LeaseRecord>& current, const std::string& identity,
                        std::chrono::steady_clock::time_point observed_since, std::chrono::milliseconds lease_duration,
                        std::chrono::steady_clock::time_point now) {
  if (!current) return LeaseAction::kCreate;
  if (current->holder == identity) return LeaseAction::kRenew;
  if (current->holder.empty()) return LeaseAction::kAcquire;                 // released
  if (now - observed_since >= lease_duration) return LeaseAction::kAcquire;  // holder stopped renewing
  return LeaseAction::kWait;
}

std::string microTime(std::chrono::system_clock::time_point t) { return formatRfc3339(t, 6); }

LeaderElector::LeaderElector(Client& client, LeaderElectionOptions options, WriteGate* gate)
    : client_(client), options_(std::move(options)), gate_(gate) {}

bool LeaderElector::tryAcquireOrRenew(std::chrono::steady_clock::time_point now) {
  const auto& leases = resources::kLeases;
  auto now_wall = std::chrono::system_clock::now();
  auto got = client_.get(leases, options_.ns, options_.name);
  std::optional<LeaseRecord> record;
  Json lease;
  if (got.isOk()) {
    lease = *got;
    record = leaseRecordOf(lease);
    held_by_other_ = !record->holder.empty() && record->holder != options_.identity;
    std::string key = record->holder + "|" + record->renew_time;
    std::lock_guard lock(mu_);
    if (key != observed_key_) {
      observed_key_ = key;
      observed_since_ = now;
    }
  } else if (!isNotFound(got.status())) {
    return false;
  }
  LeaseAction action;
  {
    std::lock_guard lock(mu_);
    action = decideLease(record, options_.identity, observed_since_, options_.lease_duration, now);
  }
  int64_t duration_s =
      std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count());
  std::string t = microTime(now_wall);
  switch (action) {
    case LeaseAction::kWait: return false;
    case LeaseAction::kCreate: {
      Json obj = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
                  {"spec",
                   {{"holderIdentity", options_.identity},
                    {"leaseDurationSeconds", duration_s},
                    {"acquireTime", t},
                    {"renewTime", t},
                    {"leaseTransitions", 0}}}};
      return client_.create(leases, options_.ns, obj).isOk();
    }
    case LeaseAction::kAcquire:
    case LeaseAction::kRenew: {
      Json obj = lease;
      obj["spec"]["holderIdentity"] = options_.identity;
      obj["spec"]["leaseDurationSeconds"] = duration_s;
      obj["spec"]["renewTime"] = t;
      if (action == LeaseAction::kAcquire) {
        obj["spec"]["acquireTime"] = t;
        obj["spec"]["leaseTransitions"] = record->transitions + 1;
      }
      // Conditional on the resourceVersion read: two candidates never both win.
      return client_.update(leases, obj).isOk();
    }
  }
  return false;
}

void LeaderElector::run(std::stop_token stop, const std::function<void()>& on_started,
                        const std::function<void()>& on_stopped) {
  std::mutex m;
  std::condition_variable_any cv;
  auto sleep = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, d, [] { return false; });
  };
  auto last_renew = options_.clock();
  while (!stop.stop_requested()) {
    // The renewal counts from before the Lease is read: a standby's wait for the record
    // to stay unchanged cannot have started earlier.
    auto began = options_.clock();
    if (tryAcquireOrRenew(began)) {
      last_renew = began;
      if (gate_) gate_->renewed(began, options_.renew_deadline);
      if (!leader_.exchange(true) && on_started) on_started();
    } else if (leader_ && (held_by_other_ || options_.clock() - last_renew >= options_.renew_deadline)) {
      stepDown(on_stopped);
    }
    sleep(options_.retry_period);
  }
}

void LeaderElector::stepDown(const std::function<void()>& on_stopped) {
  if (gate_) gate_->close();  // no write from here on
  leader_ = false;
  if (on_stopped) on_stopped();
}

Status LeaderElector::release() {
  if (gate_) gate_->close();
  if (!leader_.exchange(false)) return Status::ok();
  auto got = client_.get(resources::kLeases, options_.ns, options_.name);
  if (!got.isOk()) return got.status();
  Json obj = *got;
  if (obj["spec"].value("holderIdentity", "") != options_.identity) return Status::ok();
  obj["spec"]["holderIdentity"] = "";
  obj["spec"]["leaseDurationSeconds"] = 1;
  obj["spec"]["renewTime"] = microTime(std::chrono::system_clock::now());
  auto r = client_.update(resources::kLeases, obj);
  return r.isOk() ? Status::ok() : r.status();
}

}  // namespace paymesh::kube
