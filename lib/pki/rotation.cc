#include "pki/rotation.h"

#include "base/saturating_time.h"

namespace paymesh::pki {

// Saturating throughout: a certificate's times may sit at TimePoint::min()/max() (far
// dates), where plain arithmetic would wrap.
TimePoint renewalTime(TimePoint not_before, TimePoint not_after, std::optional<std::chrono::seconds> renew_before) {
  auto lifetime = saturatingSub(not_after, not_before);
  if (renew_before && *renew_before > std::chrono::seconds(0) && *renew_before < lifetime) {
    return saturatingAdd(not_after, -*renew_before);
  }
  // lifetime * 2 / 3 without forming lifetime * 2 (it overflows past 146 years).
  return saturatingAdd(not_before, lifetime / 3 * 2 + (lifetime % 3) * 2 / 3);
}

Status validateRenewBefore(std::chrono::seconds duration, std::optional<std::chrono::seconds> renew_before) {
  if (!renew_before) return Status::ok();
  if (*renew_before <= std::chrono::seconds(0)) return invalidArgument("certificate.renewBefore must be positive");
  if (*renew_before >= duration) {
    return invalidArgument("certificate.renewBefore must be shorter than certificate.duration");
  }
  return Status::ok();
}

RenewalDecision decideRenewal(TimePoint not_before, TimePoint not_after,
                              std::optional<std::chrono::seconds> renew_before, TimePoint now,
                              bool signed_by_signing_ca) {
  RenewalDecision d;
  d.renew_at = renewalTime(not_before, not_after, renew_before);
  if (!signed_by_signing_ca) {
    d.renew = true;
    d.reason = "issuer rotated";
  } else if (now >= not_after) {
    d.renew = true;
    d.reason = "expired";
  } else if (now >= d.renew_at) {
    d.renew = true;
    d.reason = "due";
  } else {
    d.reason = "not due";
  }
  d.next_check = d.renew ? now : d.renew_at;
  return d;
}

const char* caPhaseName(CaPhase phase) {
  switch (phase) {
    case CaPhase::kActive: return "Active";
    case CaPhase::kNewCaStaged: return "NewCaStaged";
    case CaPhase::kNewCaActive: return "NewCaActive";
    case CaPhase::kOldCaRemoved: return "OldCaRemoved";
  }
  return "Unknown";
}

CaRotationState initialCaState(std::string ca, TimePoint now) {
  CaRotationState s;
  s.ca = std::move(ca);
  s.phase_since = now;
  return s;
}

Result<CaRotationState> startCaRotation(const CaRotationState& state, std::string new_ca, TimePoint now) {
  if (state.phase != CaPhase::kActive) {
    return failedPrecondition(std::string("a CA rotation is already in progress (phase ") + caPhaseName(state.phase) +
                              ")");
  }
  if (new_ca.empty()) return invalidArgument("new CA id is empty");
  if (new_ca == state.ca) return invalidArgument("new CA is the current CA");
  CaRotationState next;
  next.phase = CaPhase::kNewCaStaged;
  next.ca = state.ca;
  next.next_ca = std::move(new_ca);
  next.phase_since = now;
  return next;
}

CaRotationStep advanceCaRotation(const CaRotationState& state, const CaRotationConfig& config,
                                 const CaRotationObservation& observed, TimePoint now) {
  const auto wait = config.propagation_delay;
  CaRotationStep step{state, false, saturatingAdd(now, wait)};
  auto settled = saturatingAdd(state.phase_since, wait);
  auto enter = [&](CaPhase phase) {
    step.state.phase = phase;
    step.state.phase_since = now;
    step.state.old_leaves_gone_since.reset();
    step.changed = true;
    step.next_check = saturatingAdd(now, wait);
  };
  // Waits on the peers until `deadline`, then moves on without them.
  auto waitOrForce = [&](CaPhase next, TimePoint deadline) {
    step.forced_at = deadline;
    if (observed.bundles_distributed && now >= settled) {
      enter(next);
    } else if (now >= deadline) {
      enter(next);
      step.forced = true;
    } else {
      step.held = now >= settled;
      step.next_check = std::min(now < settled ? settled : deadline, deadline);
    }
  };
  switch (state.phase) {
    case CaPhase::kActive:
      step.next_check = TimePoint::max();  // nothing to do until a rotation starts
      break;
    case CaPhase::kNewCaStaged:
      // Two waits before the old CA's end (none when it has none); 2 * wait is counted in
      // long double, as it may not fit.
      waitOrForce(CaPhase::kNewCaActive,
                  observed.old_ca_not_after == TimePoint::max()
                      ? TimePoint::max()
                      : saturatingAdd(observed.old_ca_not_after, -2 * std::chrono::duration<long double>(wait)));
      break;
    case CaPhase::kNewCaActive: {
      if (observed.live_leaves_signed_by_old > 0) {
        step.state.old_leaves_gone_since.reset();
        step.held = now >= settled;
        break;
      }
      TimePoint gone = state.old_leaves_gone_since.value_or(now);
      step.state.old_leaves_gone_since = gone;
      step.changed = !state.old_leaves_gone_since.has_value();
      TimePoint ready = std::max(settled, saturatingAdd(gone, wait));
      if (now >= ready) {
        step.state.retired_ca = state.ca;
        step.state.ca = state.next_ca;
        step.state.next_ca.clear();
        enter(CaPhase::kOldCaRemoved);
      } else {
        step.next_check = ready;
      }
      break;
    }
    case CaPhase::kOldCaRemoved:
      waitOrForce(CaPhase::kActive, saturatingAdd(settled, 2 * std::chrono::duration<long double>(wait)));
      if (step.state.phase == CaPhase::kActive) {
        step.state.retired_ca.clear();
        step.next_check = TimePoint::max();
      }
      break;
  }
  return step;
}

std::vector<std::string> trustedCas(const CaRotationState& state) {
  switch (state.phase) {
    case CaPhase::kNewCaStaged:
    case CaPhase::kNewCaActive: return {state.ca, state.next_ca};
    case CaPhase::kActive:
    case CaPhase::kOldCaRemoved: break;
  }
  return {state.ca};
}

const std::string& signingCa(const CaRotationState& state) {
  return state.phase == CaPhase::kNewCaActive ? state.next_ca : state.ca;
}

}  // namespace paymesh::pki
