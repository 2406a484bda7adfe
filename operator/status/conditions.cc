#include "operator/status/conditions.h"

#include <algorithm>

namespace paymesh::ctrl {

namespace {

std::string joinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", \"" : "\"") + names[i] + "\"";
  return out;
}

const model::Condition* find(const std::vector<model::Condition>& conds, const std::string& type) {
  for (const auto& c : conds)
    if (c.type == type) return &c;
  return nullptr;
}

}  // namespace

void configNameTaken(Observed& o, const std::string& message) {
  o.config_ok = false;
  o.config_reason = kChildNameTaken;
  o.config_error = message;
  o.ring_checksum.clear();  // the ring is published in the ConfigMap that was not written
}

void configRefused(Observed& o, const std::string& message) {
  o.config_ok = false;
  o.config_reason = kConfigRefused;
  o.config_error = "the API server refused the ConfigMap: " + message + "; the one in place is kept";
  o.ring_checksum.clear();
}

void certificateNameTaken(Observed& o, const std::string& message) {
  o.certificate_ok = false;
  o.certificate_reason = kChildNameTaken;
  o.certificate_error = message;
  o.certificate_not_after.clear();
  o.mounted_certificate_not_after.clear();
}

model::PaymentServiceStatus computeStatus(const Observed& o, const model::PaymentServiceStatus& previous,
                                          const std::string& now) {
  model::PaymentServiceStatus st;
  st.observed_generation = o.generation;
  st.endpoints = o.endpoints;
  st.ring_checksum = o.ring_checksum;
  st.config_hash = o.config_ok                       ? o.config_hash
                   : !o.config_hash_in_place.empty() ? o.config_hash_in_place
                                                     : previous.config_hash;
  st.certificate_not_after = o.certificate_not_after;
  st.mounted_certificate_not_after = o.mounted_certificate_not_after;

  auto add = [&](const char* type, bool ok, std::string reason, std::string message) {
    model::Condition c{type, ok ? "True" : "False", std::move(reason), std::move(message), now, o.generation};
    if (const auto* prev = find(previous.conditions, type); prev && prev->status == c.status)
      c.last_transition_time = prev->last_transition_time;
    st.conditions.push_back(std::move(c));
  };

  bool deps_ok = o.missing.empty();
  std::string deps_msg;
  if (deps_ok) {
    deps_msg = "every dependency and fallback exists";
  } else {
    deps_msg = "PaymentService " + joinQuoted(o.missing) + " not found in the namespace; the rest is configured";
  }

  std::string cert_msg = o.certificate_ok ? "valid until " + o.certificate_not_after : o.certificate_error;
  std::string config_msg;
  if (o.config_ok) {
    config_msg = "sidecar configuration " + o.config_hash;
    if (!o.without_endpoints.empty()) config_msg += "; no ready endpoints yet for " + joinQuoted(o.without_endpoints);
  } else {
    config_msg = o.config_error;
  }

  bool ready = o.config_ok && o.certificate_ok && deps_ok;
  bool config_taken = !o.config_ok && o.config_reason == kChildNameTaken;
  bool cert_taken = !o.certificate_ok && o.certificate_reason == kChildNameTaken;
  std::string ready_reason, ready_msg;
  if (config_taken || cert_taken) {
    ready_reason = kChildNameTaken;
    ready_msg = config_taken && cert_taken ? config_msg + "; " + cert_msg : config_taken ? config_msg : cert_msg;
  } else if (ready) {
    ready_reason = "Reconciled";
    ready_msg = "configuration and certificate in place";
  } else if (!o.config_ok) {
    ready_reason = "ConfigNotReady";
    ready_msg = config_msg;
  } else if (!o.certificate_ok) {
    ready_reason = "CertificateNotReady";
    ready_msg = cert_msg;
  } else {
    ready_reason = "DependencyNotFound";
    ready_msg = deps_msg;
  }
  add(kReady, ready, ready_reason, ready_msg);

  if (!o.uses_ring) {
    add(kRingReady, true, "NotConsistentHash", "the service is not balanced by consistent hash; no ring");
  } else if (!o.ring_checksum.empty()) {
    add(kRingReady, true, "RingBuilt",
        "ring over " + std::to_string(o.endpoints) + " ready endpoint" + (o.endpoints == 1 ? "" : "s"));
  } else if (o.endpoints == 0) {
    add(kRingReady, false, "NoEndpoints", "no ready pod matches the selector");
  } else {
    std::string why = !o.config_ok ? "ring not published: its ConfigMap is not written (" +
                                         (o.config_reason.empty() ? "RenderFailed" : o.config_reason) + ")"
                      : o.notes.empty() ? std::string("ring not published")
                                        : o.notes.front();
    add(kRingReady, false, "RingNotPublished", why);
  }
  add(kConfigReady, o.config_ok,
      o.config_ok               ? "Rendered"
      : o.config_reason.empty() ? "RenderFailed"
                                : o.config_reason,
      config_msg);
  add(kCertificateReady, o.certificate_ok,
      o.certificate_ok               ? "Issued"
      : o.certificate_reason.empty() ? "IssueFailed"
                                     : o.certificate_reason,
      cert_msg);
  add(kDependenciesResolved, deps_ok, deps_ok ? "Resolved" : "DependencyNotFound", deps_msg);
  return st;
}

std::vector<Transition> transitions(const model::PaymentServiceStatus& previous,
                                    const model::PaymentServiceStatus& next) {
  std::vector<Transition> out;
  for (const auto& c : next.conditions) {
    const auto* prev = find(previous.conditions, c.type);
    bool changed = prev ? prev->status != c.status : c.status != "True";
    // A first pass that comes up healthy is not news; anything that goes bad, or recovers, is.
    if (!changed) continue;
    if (c.type == kRingReady && prev == nullptr) continue;  // no endpoints yet at creation is normal
    out.push_back({c.type, c.status, c.reason, c.message, c.status != "True"});
  }
  return out;
}

}  // namespace paymesh::ctrl
