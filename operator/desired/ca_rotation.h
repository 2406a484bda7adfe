#pragma once
// The mesh CA Secret as a rotation state machine (pki/rotation.h), as pure functions:
// the Secret in, what it should hold next out. No clock reads, no API calls.
//
//   phase          tls.crt/tls.key  next.crt/next.key  ca.crt   new leaves signed by
//   Active         A                -                  A        A
//   NewCaStaged    A                B                  A, B     A   (peers learn to trust B)
//   NewCaActive    B                -                  B, A     B   (leaves by A are replaced)
//   OldCaRemoved   B                -                  B        B   (peers forget A)
//
// The phase and its bookkeeping live in the Secret's paymesh.io/ca-rotation annotation, so
// a restarted or newly elected operator carries on where the last one stopped. A Secret
// without the annotation, or whose annotation does not match its certificates (replaced by
// hand), is taken as Active on whatever tls.crt holds.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "pki/authority.h"
#include "pki/rotation.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctrl {

inline constexpr const char* kCaRotationAnnotation = "paymesh.io/ca-rotation";
inline constexpr const char* kNextCaCertKey = "next.crt";
inline constexpr const char* kNextCaKeyKey = "next.key";

struct CaSecretView {
  pki::CertificateAuthority signing;
  std::optional<pki::CertificateAuthority> next;  // NewCaStaged: the CA that will sign next
  pki::TrustBundle bundle;                        // the signing CA first, then the rest of ca.crt
  pki::CaRotationState rotation;
};

// Reads the CA Secret; `where` names it in errors ("mesh CA Secret ns/name").
Result<CaSecretView> readCaSecret(const nlohmann::json& secret, const std::string& where, pki::TimePoint now);

// `current` with the data and the rotation annotation of `view` (other metadata kept).
nlohmann::json caSecretFor(const nlohmann::json& current, const CaSecretView& view);

// When an operator-managed CA starts being replaced: at 2/3 of its life, which leaves a
// third of it for the rotation's waits.
pki::TimePoint caRotationDue(const pki::Certificate& ca);

// How long each rotation phase waits at least for peers to load what was written: half
// the configured overlap, so old and new CA are both trusted for at least the overlap.
pki::CaRotationConfig caRotationConfig(std::chrono::nanoseconds rotation_overlap);

// What the peers hold, from the TLS Secrets the operator wrote (workload and webhook
// serving Secrets; others are ignored) and whether the injector's caBundle is current.
pki::CaRotationObservation observeCaRotation(const CaSecretView& view,
                                             const std::vector<const nlohmann::json*>& leaf_secrets,
                                             bool webhook_bundle_current, pki::TimePoint now);

struct CaRotationPlan {
  CaSecretView next;  // what the Secret should hold after this pass
  bool write = false;
  pki::TimePoint next_check;
  std::string event;  // what changed, for logs and events ("" when nothing)
  // The phase waits past its time on `holders` (pki::CaRotationStep), or moved on
  // without them (`forced`); `forced_at` is when a held phase is moved on.
  bool held = false;
  bool forced = false;
  pki::TimePoint forced_at = pki::TimePoint::max();
  std::vector<std::string> holders;
};

// One pass: starts a rotation when the signing CA is due (make_ca creates the new one and
// is called only then), else moves the rotation at most one phase forward.
Result<CaRotationPlan> planCaRotation(const CaSecretView& current, const pki::CaRotationConfig& config,
                                      const pki::CaRotationObservation& observed, pki::TimePoint now,
                                      const std::function<Result<pki::CertificateAuthority>()>& make_ca);

}  // namespace paymesh::ctrl
