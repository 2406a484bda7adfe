#pragma once
// Rotation as pure decisions: when a certificate is renewed, and how a CA is replaced
// without any peer ever holding a certificate its counterpart cannot verify. No clock
// reads and no OpenSSL here: callers pass `now` and what they observed.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace paymesh::pki {

using TimePoint = std::chrono::system_clock::time_point;

// --- leaf (and CA) renewal ---

// When a certificate valid over [not_before, not_after] is due: not_after - renew_before
// when renew_before is set and shorter than the lifetime, else at 2/3 of the lifetime.
TimePoint renewalTime(TimePoint not_before, TimePoint not_after, std::optional<std::chrono::seconds> renew_before);

// renewBefore must be positive and shorter than duration (as the CRD's CEL rule says).
Status validateRenewBefore(std::chrono::seconds duration, std::optional<std::chrono::seconds> renew_before);

struct RenewalDecision {
  bool renew = false;
  TimePoint renew_at;    // when it is (or was) due
  TimePoint next_check;  // when to look again: now when renewing, else renew_at
  std::string reason;    // for logs and events: "due", "expired", "issuer rotated", "not due"
};

// signed_by_signing_ca = false renews at once: after a CA switch every leaf still signed
// by the old CA is replaced, so that the old CA can leave the trust bundles.
RenewalDecision decideRenewal(TimePoint not_before, TimePoint not_after,
                              std::optional<std::chrono::seconds> renew_before, TimePoint now,
                              bool signed_by_signing_ca = true);

// --- CA rotation ---
//
//   Active        trust {A}     sign with A
//   NewCaStaged   trust {A, B}  sign with A   until every peer's bundle holds B
//   NewCaActive   trust {A, B}  sign with B   until no live leaf is signed by A
//   OldCaRemoved  trust {B}     sign with B   until every peer's bundle is {B}; then Active
//
// Each wait also lasts at least propagation_delay, the time a Secret update takes to
// reach a running sidecar, so that what the operator wrote is what peers hold.

enum class CaPhase { kActive, kNewCaStaged, kNewCaActive, kOldCaRemoved };
const char* caPhaseName(CaPhase phase);

struct CaRotationState {
  CaPhase phase = CaPhase::kActive;
  std::string ca;          // the CA in Active; the old CA while rotating; the new one once the old is removed
  std::string next_ca;     // the new CA in NewCaStaged and NewCaActive
  std::string retired_ca;  // the old CA in OldCaRemoved
  TimePoint phase_since{};
  // In NewCaActive: since when no live leaf signed by the old CA has been seen.
  std::optional<TimePoint> old_leaves_gone_since;
};

struct CaRotationConfig {
  std::chrono::seconds propagation_delay = std::chrono::minutes(10);
};

struct CaRotationObservation {
  // Every peer's trust bundle holds exactly trustedCas(state) (or a superset of it).
  bool bundles_distributed = false;
  // Live (not expired, still served) leaves signed by the old CA.
  size_t live_leaves_signed_by_old = 0;
  // What keeps the phase's condition from holding ("ns/name: why"), for alerts.
  std::vector<std::string> holders;
  // In NewCaStaged: when the CA being replaced expires.
  TimePoint old_ca_not_after = TimePoint::max();
};

// A phase is held when its wait is over but the peers have not caught up. The rotation
// does not wait for them forever (docs/operator.md, "A held rotation"):
//   NewCaStaged   goes on when the old CA has less than two waits (the whole overlap) of
//                 life left: leaving it to expire would break every workload, going on
//                 breaks only the peers that did not take the new bundle.
//   NewCaActive   ends by itself: the old CA's leaves stop counting when they expire.
//   OldCaRemoved  goes on after two more waits: a peer still trusting both CAs trusts the
//                 one that signs, and the next rotation must be able to start.
struct CaRotationStep {
  CaRotationState state;
  bool changed = false;
  TimePoint next_check;
  bool held = false;
  bool forced = false;                     // moved on by the rule above, not by the peers
  TimePoint forced_at = TimePoint::max();  // when a held phase is moved on
};

CaRotationState initialCaState(std::string ca, TimePoint now);
// Begins replacing the current CA by new_ca; only from Active.
Result<CaRotationState> startCaRotation(const CaRotationState& state, std::string new_ca, TimePoint now);
// Moves at most one phase forward when its condition holds.
CaRotationStep advanceCaRotation(const CaRotationState& state, const CaRotationConfig& config,
                                 const CaRotationObservation& observed, TimePoint now);
// The CAs every peer's bundle must hold in this phase, in order.
std::vector<std::string> trustedCas(const CaRotationState& state);
// The CA new leaves are signed with in this phase.
const std::string& signingCa(const CaRotationState& state);

}  // namespace paymesh::pki
