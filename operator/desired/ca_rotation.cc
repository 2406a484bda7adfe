#include "operator/desired/ca_rotation.h"

#include <algorithm>

#include "base/base64.h"
#include "base/saturating_time.h"
#include "base/time_format.h"
#include "model/endpoints.h"
#include "pki/certificate.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;

namespace {

std::string pemOf(const pki::CertificateAuthority& ca) {
  auto chain = ca.chainForLeaves();  // an intermediate CA: itself and what is above it
  return chain.empty() ? ca.certificate().toPem() : pki::toPem(chain);
}

// secret[key] when it is an object, else an empty one (read without throwing: a watched
// Secret may hold anything).
const Json& member(const Json& object, const char* key) {
  static const Json kEmpty = Json::object();
  auto it = object.is_object() ? object.find(key) : object.end();
  return object.is_object() && it != object.end() && it->is_object() ? *it : kEmpty;
}

std::string stringAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<std::string> dataField(const Json& secret, const char* key, const std::string& where) {
  const Json& data = member(secret, "data");
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) return invalidArgument(where + ": data." + key + " missing");
  auto decoded = base64Decode(it->get<std::string>());
  if (!decoded.isOk()) return invalidArgument(where + ": data." + key + ": " + decoded.status().message());
  return std::move(*decoded);
}

Json stateToJson(const pki::CaRotationState& s) {
  Json j = {{"phase", pki::caPhaseName(s.phase)}, {"since", formatRfc3339(s.phase_since)}, {"ca", s.ca}};
  if (!s.next_ca.empty()) j["nextCa"] = s.next_ca;
  if (!s.retired_ca.empty()) j["retiredCa"] = s.retired_ca;
  if (s.old_leaves_gone_since) j["oldLeavesGoneSince"] = formatRfc3339(*s.old_leaves_gone_since);
  return j;
}

std::optional<pki::CaRotationState> stateFromJson(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  pki::CaRotationState s;
  std::string phase = stringAt(j, "phase");
  bool known = false;
  for (auto p :
       {pki::CaPhase::kActive, pki::CaPhase::kNewCaStaged, pki::CaPhase::kNewCaActive, pki::CaPhase::kOldCaRemoved}) {
    if (phase == pki::caPhaseName(p)) s.phase = p, known = true;
  }
  auto since = parseRfc3339(stringAt(j, "since"));
  if (!known || !since) return std::nullopt;
  s.phase_since = *since;
  s.ca = stringAt(j, "ca");
  s.next_ca = stringAt(j, "nextCa");
  s.retired_ca = stringAt(j, "retiredCa");
  if (j.contains("oldLeavesGoneSince")) {
    auto gone = parseRfc3339(stringAt(j, "oldLeavesGoneSince"));
    if (!gone) return std::nullopt;
    s.old_leaves_gone_since = *gone;
  }
  return s;
}

// A leaf Secret no PaymentService owns any more (deleted with --cascade=orphan) is
// updated by no one: said in the alert, with what to do.
std::string orphanNote(const Json& secret) {
  const Json& meta = secret.value("metadata", Json::object());
  const Json& owners = meta.value("ownerReferences", Json::array());
  if (owners.is_array() && !owners.empty()) return "";
  const Json& labels = meta.value("labels", Json::object());
  if (!labels.is_object() || !labels.contains(model::kServiceLabel)) return "";
  return " (no PaymentService owns it: recreate the service to adopt it, or delete the Secret)";
}

// Whether the annotation describes these certificates (else the Secret was replaced).
bool consistent(const pki::CaRotationState& s, const CaSecretView& v) {
  if (s.ca.empty() || pki::signingCa(s) != v.signing.id()) return false;
  switch (s.phase) {
    case pki::CaPhase::kActive:
    case pki::CaPhase::kOldCaRemoved: return !v.next;
    case pki::CaPhase::kNewCaStaged: return v.next && v.next->id() == s.next_ca;
    case pki::CaPhase::kNewCaActive: return !v.next && !s.next_ca.empty();
  }
  return false;
}

}  // namespace

Result<CaSecretView> readCaSecret(const Json& secret, const std::string& where, pki::TimePoint now) {
  ASSIGN_OR_RETURN(auto crt, dataField(secret, pki::kTlsCertKey, where));
  ASSIGN_OR_RETURN(auto key, dataField(secret, pki::kTlsKeyKey, where));
  auto signing = pki::CertificateAuthority::load(crt, key, now);
  if (!signing.isOk()) return invalidArgument(where + ": " + signing.status().message());
  CaSecretView view{std::move(*signing), std::nullopt, {}, {}};
  view.bundle.add(view.signing.certificate());
  const Json& data = member(secret, "data");
  if (data.contains(kNextCaCertKey) || data.contains(kNextCaKeyKey)) {
    ASSIGN_OR_RETURN(auto next_crt, dataField(secret, kNextCaCertKey, where));
    ASSIGN_OR_RETURN(auto next_key, dataField(secret, kNextCaKeyKey, where));
    auto next = pki::CertificateAuthority::load(next_crt, next_key, now);
    if (!next.isOk()) return invalidArgument(where + ": data." + kNextCaCertKey + ": " + next.status().message());
    view.next = std::move(*next);
  }
  // ca.crt may hold more CAs (the old and the new during a rotation): all are trusted.
  if (data.contains(pki::kCaCertKey)) {
    ASSIGN_OR_RETURN(auto pem, dataField(secret, pki::kCaCertKey, where));
    auto bundle = pki::TrustBundle::fromPem(pem);
    if (!bundle.isOk()) return invalidArgument(where + ": data.ca.crt: " + bundle.status().message());
    for (const auto& c : bundle->cas()) view.bundle.add(c);
  }
  if (view.next) view.bundle.add(view.next->certificate());
  const Json& annotations = member(member(secret, "metadata"), "annotations");
  std::optional<pki::CaRotationState> state;
  if (annotations.is_object() && annotations.contains(kCaRotationAnnotation) &&
      annotations[kCaRotationAnnotation].is_string())
    state = stateFromJson(annotations[kCaRotationAnnotation].get<std::string>());
  if (state && consistent(*state, view)) {
    view.rotation = *state;
  } else {
    view.rotation = pki::initialCaState(view.signing.id(), now);
    view.next.reset();  // a staged CA without a matching annotation is not trusted to sign
  }
  return view;
}

Json caSecretFor(const Json& current, const CaSecretView& view) {
  Json out = current;
  pki::TlsSecretContent content;
  content.tls_crt = pemOf(view.signing);
  auto key = view.signing.key().toPkcs8Pem();
  content.tls_key = key.isOk() ? *key : "";
  content.ca_crt = view.bundle.toPem();
  Json fresh = pki::tlsSecretData(content);
  out["type"] = fresh["type"];
  out["data"] = fresh["data"];
  if (view.next) {
    auto next_key = view.next->key().toPkcs8Pem();
    out["data"][kNextCaCertKey] = base64Encode(pemOf(*view.next));
    out["data"][kNextCaKeyKey] = base64Encode(next_key.isOk() ? *next_key : "");
  }
  out["metadata"]["annotations"][kCaRotationAnnotation] = stateToJson(view.rotation).dump();
  return out;
}

pki::TimePoint caRotationDue(const pki::Certificate& ca) {
  return pki::renewalTime(ca.notBefore(), ca.notAfter(), std::nullopt);
}

pki::CaRotationConfig caRotationConfig(std::chrono::nanoseconds rotation_overlap) {
  pki::CaRotationConfig c;
  c.propagation_delay =
      std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(rotation_overlap / 2));
  return c;
}

pki::CaRotationObservation observeCaRotation(const CaSecretView& view, const std::vector<const Json*>& leaf_secrets,
                                             bool webhook_bundle_current, pki::TimePoint now) {
  pki::CaRotationObservation o;
  o.bundles_distributed = webhook_bundle_current;
  // NewCaActive waits on leaves only: there a stale bundle is not what holds it.
  const bool waits_on_bundles = view.rotation.phase != pki::CaPhase::kNewCaActive;
  if (!webhook_bundle_current && waits_on_bundles)
    o.holders.push_back("the injector's MutatingWebhookConfiguration: caBundle not updated");
  if (view.rotation.phase == pki::CaPhase::kNewCaStaged) o.old_ca_not_after = view.signing.certificate().notAfter();
  std::string want = view.bundle.toPem();
  for (const Json* secret : leaf_secrets) {
    const Json& meta = secret->value("metadata", Json::object());
    const std::string where = meta.value("namespace", "") + "/" + meta.value("name", "");
    auto crt = dataField(*secret, pki::kTlsCertKey, "");
    auto certs = crt.isOk() ? pki::parsePemCertificates(*crt) : Result<std::vector<pki::Certificate>>(crt.status());
    bool readable = certs.isOk() && !certs->empty();
    // An expired leaf serves no one (an orphan left to run out): it holds nothing.
    if (readable && certs->front().notAfter() < now) continue;
    auto bundle = dataField(*secret, pki::kCaCertKey, "");
    bool stale = !bundle.isOk() || *bundle != want;
    if (stale) o.bundles_distributed = false;
    if (stale && waits_on_bundles) o.holders.push_back(where + ": ca.crt not updated" + orphanNote(*secret));
    if (waits_on_bundles || !readable) continue;
    // Unreadable: it is reissued (by the new CA) anyway.
    if (!certs->front().isSignedBy(view.signing.certificate())) {
      ++o.live_leaves_signed_by_old;
      o.holders.push_back(where + ": certificate still signed by the old CA" + orphanNote(*secret));
    }
  }
  return o;
}

Result<CaRotationPlan> planCaRotation(const CaSecretView& current, const pki::CaRotationConfig& config,
                                      const pki::CaRotationObservation& observed, pki::TimePoint now,
                                      const std::function<Result<pki::CertificateAuthority>()>& make_ca) {
  CaRotationPlan plan{current, false, now, "", false, false, pki::TimePoint::max(), {}};
  if (current.rotation.phase == pki::CaPhase::kActive) {
    auto due = caRotationDue(current.signing.certificate());
    if (now < due) {
      plan.next_check = due;
      return plan;
    }
    ASSIGN_OR_RETURN(auto fresh, make_ca());
    ASSIGN_OR_RETURN(auto started, pki::startCaRotation(current.rotation, fresh.id(), now));
    plan.next.rotation = started;
    plan.next.bundle.add(fresh.certificate());
    plan.next.next = std::move(fresh);
    plan.write = true;
    plan.next_check = saturatingAdd(now, config.propagation_delay);
    plan.event = "new mesh CA staged: trusted everywhere before it signs";
    return plan;
  }
  auto step = pki::advanceCaRotation(current.rotation, config, observed, now);
  plan.next.rotation = step.state;
  plan.write = step.changed;
  plan.next_check = step.next_check;
  plan.held = step.held;
  plan.forced = step.forced;
  plan.forced_at = step.forced_at;
  if (step.held || step.forced) plan.holders = observed.holders;
  if (step.state.phase == current.rotation.phase) return plan;
  switch (step.state.phase) {
    case pki::CaPhase::kNewCaActive: {
      // The staged CA signs from now on; both stay trusted, the signing one first.
      pki::TrustBundle both;
      both.add(current.next->certificate());
      for (const auto& c : current.bundle.cas()) both.add(c);
      plan.next.signing = *current.next;
      plan.next.next.reset();
      plan.next.bundle = std::move(both);
      plan.event = "new mesh CA active: leaves signed by the old CA are being replaced";
      break;
    }
    case pki::CaPhase::kOldCaRemoved:
      plan.next.bundle = pki::TrustBundle();
      plan.next.bundle.add(plan.next.signing.certificate());
      plan.event = "old mesh CA removed from the trust bundles";
      break;
    case pki::CaPhase::kActive: plan.event = "mesh CA rotation complete"; break;
    case pki::CaPhase::kNewCaStaged: break;
  }
  return plan;
}

}  // namespace paymesh::ctrl
