#include "pki/rotation.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pki/authority.h"
#include "pki/issue.h"
#include "pki/trust_bundle.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::fixedNow;

// What the operator observed of the peers (no names, the old CA far from its end).
CaRotationObservation seen(bool bundles_distributed, size_t live_leaves_signed_by_old) {
  CaRotationObservation o;
  o.bundles_distributed = bundles_distributed;
  o.live_leaves_signed_by_old = live_leaves_signed_by_old;
  return o;
}

// --- renewal decisions ---

TEST(RenewalTest, RenewBeforeSetsTheTime) {
  TimePoint nb = fixedNow();
  TimePoint na = nb + 24h;
  EXPECT_EQ(renewalTime(nb, na, 8h), nb + 16h);
  // Unset, non-positive or not shorter than the lifetime: 2/3 of the lifetime.
  EXPECT_EQ(renewalTime(nb, na, std::nullopt), nb + 16h);
  EXPECT_EQ(renewalTime(nb, na + 6h, std::nullopt), nb + 20h);
  EXPECT_EQ(renewalTime(nb, na, 24h), nb + 16h);
  EXPECT_EQ(renewalTime(nb, na, 0s), nb + 16h);
  EXPECT_EQ(renewalTime(nb, na, 1h), nb + 23h);
}

// Far dates saturate at TimePoint::min()/max() (Certificate::notAfter of 99991231235959Z,
// a "since" of year 1013): the planning on them stays ordered instead of wrapping.
TEST(RenewalTest, FarDatesPlanWithoutOverflow) {
  const TimePoint now = fixedNow();
  const TimePoint never = TimePoint::max();
  // 2/3 of a lifetime of ~236 years: lifetime * 2 alone would overflow.
  TimePoint due = renewalTime(now, never, std::nullopt);
  EXPECT_GT(due, now);
  EXPECT_LT(due, never);
  EXPECT_EQ(renewalTime(now, never, 8h), never - 8h);
  EXPECT_FALSE(decideRenewal(now, never, 8h, now).renew);
  // From year 1 to year 9999: the lifetime itself is past what a duration holds.
  due = renewalTime(TimePoint::min(), never, std::nullopt);
  EXPECT_GT(due, TimePoint::min());
  EXPECT_LT(due, never);
  // A notAfter in year 1: long expired; its due time stays in the past, not wrapped ahead.
  EXPECT_LT(renewalTime(now, TimePoint::min(), 8h), now);
  EXPECT_EQ(decideRenewal(TimePoint::min(), TimePoint::min(), 8h, now).reason, "expired");
}

TEST(CaRotationTest, PhaseSinceInYear1013AndAPropagationDelayOfCenturiesDoNotWrap) {
  CaRotationState s = initialCaState("a", TimePoint::min());
  auto started = startCaRotation(s, "b", TimePoint::min());
  ASSERT_TRUE(started.isOk());
  CaRotationConfig config;
  auto step = advanceCaRotation(*started, config, seen(true, 0), fixedNow());
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaActive) << "settled long ago";
  config.propagation_delay = std::chrono::seconds::max();
  step = advanceCaRotation(*started, config, seen(true, 0), fixedNow());
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaStaged);
  EXPECT_EQ(step.next_check, TimePoint::max());
  CaRotationState removed = *started;
  removed.phase = CaPhase::kOldCaRemoved;
  step = advanceCaRotation(removed, config, seen(true, 0), fixedNow());
  EXPECT_EQ(step.state.phase, CaPhase::kOldCaRemoved) << "its wait of centuries has not passed";
  // An old CA that does end, a day from now: two waits of centuries before it are long
  // past, so the staged phase moves on at once (saturated, not wrapped to "2 s later").
  CaRotationObservation ending = seen(false, 0);
  ending.old_ca_not_after = fixedNow() + 24h;
  step = advanceCaRotation(*started, config, ending, fixedNow());
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaActive);
  EXPECT_TRUE(step.forced);
}

TEST(RenewalTest, DecisionsAlongTheLifetime) {
  TimePoint nb = fixedNow();
  TimePoint na = nb + 24h;
  struct Case {
    TimePoint now;
    bool signed_by_current;
    bool renew;
    std::string reason;
    TimePoint next;
  };
  std::vector<Case> cases = {
      {nb + 1h, true, false, "not due", nb + 18h},
      {nb + 18h - 1s, true, false, "not due", nb + 18h},
      {nb + 18h, true, true, "due", nb + 18h},
      {nb + 23h, true, true, "due", nb + 23h},
      {na, true, true, "expired", na},
      {na + 48h, true, true, "expired", na + 48h},
      {nb + 1h, false, true, "issuer rotated", nb + 1h},
  };
  for (const auto& c : cases) {
    RenewalDecision d = decideRenewal(nb, na, 6h, c.now, c.signed_by_current);
    EXPECT_EQ(d.renew, c.renew) << c.reason;
    EXPECT_EQ(d.reason, c.reason);
    EXPECT_EQ(d.renew_at, nb + 18h);
    EXPECT_EQ(d.next_check, c.next) << c.reason;
  }
}

TEST(RenewalTest, RenewBeforeValidation) {
  EXPECT_TRUE(validateRenewBefore(24h, std::nullopt).isOk());
  EXPECT_TRUE(validateRenewBefore(24h, 8h).isOk());
  EXPECT_EQ(validateRenewBefore(24h, 24h).message(),
            "certificate.renewBefore must be shorter than certificate.duration");
  EXPECT_FALSE(validateRenewBefore(24h, 0s).isOk());
}

// --- CA rotation state machine ---

TEST(CaRotationTest, WalksThePhasesInOrder) {
  CaRotationConfig cfg{std::chrono::minutes(10)};
  TimePoint t = fixedNow();
  CaRotationState s = initialCaState("A", t);
  EXPECT_EQ(trustedCas(s), std::vector<std::string>{"A"});
  EXPECT_EQ(signingCa(s), "A");
  EXPECT_EQ(advanceCaRotation(s, cfg, seen(true, 0), t).next_check, TimePoint::max());

  s = *startCaRotation(s, "B", t);
  EXPECT_EQ(s.phase, CaPhase::kNewCaStaged);
  EXPECT_EQ(trustedCas(s), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(signingCa(s), "A");
  EXPECT_FALSE(startCaRotation(s, "C", t).isOk());

  // Bundles not yet everywhere: wait (the old CA is far from its end).
  auto step = advanceCaRotation(s, cfg, seen(false, 3), t + 1h);
  EXPECT_FALSE(step.changed);
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaStaged);
  // Distributed, but not yet propagated for the minimum delay.
  step = advanceCaRotation(s, cfg, seen(true, 3), t + 5min);
  EXPECT_FALSE(step.changed);
  EXPECT_EQ(step.next_check, t + 10min);
  step = advanceCaRotation(s, cfg, seen(true, 3), t + 10min);
  ASSERT_TRUE(step.changed);
  s = step.state;
  EXPECT_EQ(s.phase, CaPhase::kNewCaActive);
  EXPECT_EQ(trustedCas(s), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(signingCa(s), "B");

  // Old leaves still live: stay.
  TimePoint t2 = t + 10min;
  step = advanceCaRotation(s, cfg, seen(true, 2), t2 + 1h);
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaActive);
  EXPECT_FALSE(step.state.old_leaves_gone_since.has_value());
  // Gone: wait one propagation delay from the moment they went.
  step = advanceCaRotation(s, cfg, seen(true, 0), t2 + 2h);
  EXPECT_EQ(step.state.phase, CaPhase::kNewCaActive);
  EXPECT_EQ(step.state.old_leaves_gone_since, t2 + 2h);
  EXPECT_EQ(step.next_check, t2 + 2h + 10min);
  s = step.state;
  // One reappears (a peer still serving an old leaf): the wait restarts.
  step = advanceCaRotation(s, cfg, seen(true, 1), t2 + 2h + 5min);
  EXPECT_FALSE(step.state.old_leaves_gone_since.has_value());
  s = step.state;
  s = advanceCaRotation(s, cfg, seen(true, 0), t2 + 3h).state;
  step = advanceCaRotation(s, cfg, seen(true, 0), t2 + 3h + 10min);
  ASSERT_EQ(step.state.phase, CaPhase::kOldCaRemoved);
  s = step.state;
  EXPECT_EQ(trustedCas(s), std::vector<std::string>{"B"});
  EXPECT_EQ(signingCa(s), "B");
  EXPECT_EQ(s.retired_ca, "A");
  EXPECT_FALSE(startCaRotation(s, "C", t2 + 4h).isOk());

  s = advanceCaRotation(s, cfg, seen(true, 0), t2 + 4h).state;
  EXPECT_EQ(s.phase, CaPhase::kActive);
  EXPECT_EQ(s.ca, "B");
  EXPECT_TRUE(startCaRotation(s, "C", t2 + 4h).isOk());
  EXPECT_FALSE(startCaRotation(s, "B", t2 + 4h).isOk());
  EXPECT_FALSE(startCaRotation(s, "", t2 + 4h).isOk());
}

// A phase whose wait is over while peers lag is held (and said so); NewCaStaged moves on
// when the old CA has less than the whole overlap (two waits) left, OldCaRemoved two waits
// after its own, whatever the peers hold.
TEST(CaRotationTest, AHeldPhaseIsReportedAndMovedOnByTheRule) {
  CaRotationConfig cfg{std::chrono::minutes(60)};
  TimePoint t = fixedNow();
  CaRotationState s = *startCaRotation(initialCaState("A", t), "B", t);
  CaRotationObservation lagging = seen(false, 0);
  lagging.holders = {"payments/ghost-paymesh-tls: ca.crt not updated"};
  lagging.old_ca_not_after = t + 10h;
  auto step = advanceCaRotation(s, cfg, lagging, t + 30min);
  EXPECT_FALSE(step.held) << "within its wait a phase is not held";
  EXPECT_EQ(step.next_check, t + 1h);
  for (auto at : {t + 1h, t + 5h, t + 7h + 59min}) {
    step = advanceCaRotation(s, cfg, lagging, at);
    EXPECT_TRUE(step.held);
    EXPECT_FALSE(step.changed);
    EXPECT_EQ(step.forced_at, t + 8h);
    EXPECT_EQ(step.next_check, t + 8h);
  }
  step = advanceCaRotation(s, cfg, lagging, t + 8h);
  ASSERT_EQ(step.state.phase, CaPhase::kNewCaActive);
  EXPECT_TRUE(step.forced);
  // An old CA already past that point (a CA made by hand, shorter than ca.duration) goes on at once.
  lagging.old_ca_not_after = t + 90min;
  EXPECT_TRUE(advanceCaRotation(s, cfg, lagging, t + 1min).forced);

  // NewCaActive: held by live old leaves, never forced (they stop counting when they expire).
  s = step.state;
  step = advanceCaRotation(s, cfg, seen(true, 2), t + 9h + 1min);
  EXPECT_TRUE(step.held);
  EXPECT_FALSE(step.forced);
  s = advanceCaRotation(s, cfg, seen(true, 0), t + 10h).state;
  s = advanceCaRotation(s, cfg, seen(true, 0), t + 11h).state;
  ASSERT_EQ(s.phase, CaPhase::kOldCaRemoved);

  // OldCaRemoved: a peer still trusting both CAs trusts the one that signs; finish two waits on.
  step = advanceCaRotation(s, cfg, seen(false, 0), t + 12h);
  EXPECT_TRUE(step.held);
  EXPECT_EQ(step.forced_at, t + 14h);
  step = advanceCaRotation(s, cfg, seen(false, 0), t + 14h);
  EXPECT_EQ(step.state.phase, CaPhase::kActive);
  EXPECT_TRUE(step.forced);
  EXPECT_TRUE(step.state.retired_ca.empty());
}

// Far annotations (a hand-edited "since") saturate instead of overflowing.
TEST(CaRotationTest, FarTimesSaturate) {
  CaRotationConfig cfg{std::chrono::minutes(60)};
  CaRotationState s = *startCaRotation(initialCaState("A", TimePoint::max() - 1min), "B", TimePoint::max() - 1min);
  auto step = advanceCaRotation(s, cfg, seen(true, 0), fixedNow());
  EXPECT_FALSE(step.changed);
  EXPECT_GT(step.next_check, TimePoint::max() - 24h) << "saturated, not wrapped into the past";
  CaRotationObservation old_at_dawn = seen(false, 0);
  old_at_dawn.old_ca_not_after = TimePoint::min() + 1min;
  s = *startCaRotation(initialCaState("A", fixedNow()), "B", fixedNow());
  EXPECT_TRUE(advanceCaRotation(s, cfg, old_at_dawn, fixedNow()).forced);
}

// --- a simulated mesh across CA rotations and leaf renewals ---

// Every party picks up what the operator writes for it after its own lag: sidecars as a
// kubelet syncs mounted Secrets, the API server as it reloads the webhook's caBundle.
// The operator only knows what it wrote.
struct Version {
  TimePoint written;
  std::optional<IssuedCertificate> leaf;  // none for the API server: it only trusts
  TrustBundle bundle;
};

enum class Kind { kWorkload, kWebhook, kApiServer };

struct Party {
  std::string name;
  Kind kind;
  std::chrono::seconds duration;
  std::optional<std::chrono::seconds> renew_before;
  std::chrono::seconds lag;
  std::vector<Version> versions;
  const Version& written() const { return versions.back(); }
  const Version& served(TimePoint now) const {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      if (it->written + lag <= now) return *it;
    }
    return versions.front();
  }
};

struct SimResult {
  int verifications = 0;
  std::vector<std::string> failures;
  int renewals = 0;
  int rotations_completed = 0;
  std::set<std::string> phases_seen;
};

// naive = swap CA and bundle at once (what the plan exists to prevent).
SimResult simulate(bool naive) {
  const auto step = 30min;
  const auto ca_duration = 24h * 6;
  CaRotationConfig cfg{2h};  // at least the largest lag
  TimePoint now = fixedNow();
  std::map<std::string, CertificateAuthority> cas;
  auto newCa = [&](TimePoint at) {
    auto ca = *CertificateAuthority::create({"mesh CA", KeyAlgorithm::kEcdsaP256, ca_duration}, at);
    std::string id = ca.id();
    cas.emplace(id, std::move(ca));
    return id;
  };
  CaRotationState state = initialCaState(newCa(now), now);
  auto bundleFor = [&](const CaRotationState& s) {
    TrustBundle b;
    for (const auto& id : trustedCas(s)) b.add(cas.at(id).certificate());
    return b;
  };
  std::vector<Party> parties = {{"payment", Kind::kWorkload, 24h, 8h, 0s, {}},
                                {"settlement", Kind::kWorkload, 12h, std::nullopt, 1h, {}},
                                {"clearing", Kind::kWorkload, 24h, 2h, 2h, {}},
                                {"paymesh-webhook", Kind::kWebhook, 48h, 12h, 1h, {}},
                                {"kube-apiserver", Kind::kApiServer, 0s, std::nullopt, 90min, {}}};
  auto issueFor = [&](const Party& p, TimePoint at) -> std::optional<IssuedCertificate> {
    if (p.kind == Kind::kApiServer) return std::nullopt;
    auto spec = p.kind == Kind::kWebhook ? webhookLeafSpec(p.name, "paymesh-system", p.duration)
                                         : workloadLeafSpec({"cluster.local", "payments", p.name, p.name}, p.duration,
                                                            KeyAlgorithm::kEcdsaP256);
    auto issued = issueCertificate(cas.at(signingCa(state)), *spec, at);
    EXPECT_TRUE(issued.isOk()) << issued.status().toString();
    return *issued;
  };
  for (auto& p : parties) p.versions.push_back({now - 24h, issueFor(p, now), bundleFor(state)});

  SimResult result;
  auto check = [&](const Party& verifier, const Party& holder, TrustBundle::Purpose purpose) {
    const Version& v = verifier.served(now);
    const Version& h = holder.served(now);
    ++result.verifications;
    Status s = v.bundle.verify(h.leaf->certificate, h.leaf->chain, now, purpose);
    if (!s.isOk()) {
      result.failures.push_back(formatTime(now) + " " + verifier.name + " cannot verify " + holder.name + ": " +
                                s.message());
    }
  };
  for (TimePoint end = now + 24h * 14; now <= end; now += step) {
    // 1. The CA itself is renewed like a leaf: at 2/3 of its lifetime a rotation starts.
    const Certificate& current = cas.at(state.ca).certificate();
    if (state.phase == CaPhase::kActive &&
        decideRenewal(current.notBefore(), current.notAfter(), std::nullopt, now).renew) {
      std::string next = newCa(now);
      if (naive) {
        state = initialCaState(next, now);
        ++result.rotations_completed;
      } else {
        state = *startCaRotation(state, next, now);
      }
    }
    // 2. Advance the plan from what the operator has written.
    if (!naive) {
      CaRotationObservation seen;
      seen.bundles_distributed = true;
      std::set<std::string> want;
      for (const auto& id : trustedCas(state)) want.insert(id);
      for (const auto& p : parties) {
        std::set<std::string> have;
        for (const auto& c : p.written().bundle.cas()) have.insert(c.fingerprintSha256());
        if (have != want) seen.bundles_distributed = false;
        const auto& leaf = p.written().leaf;
        if (state.phase == CaPhase::kNewCaActive && leaf &&
            leaf->certificate.isSignedBy(cas.at(state.ca).certificate()) && now < leaf->certificate.notAfter()) {
          ++seen.live_leaves_signed_by_old;
        }
      }
      auto next = advanceCaRotation(state, cfg, seen, now);
      if (next.state.phase == CaPhase::kActive && state.phase == CaPhase::kOldCaRemoved) ++result.rotations_completed;
      state = next.state;
    }
    result.phases_seen.insert(caPhaseName(state.phase));
    // 3. Reconcile: renew leaves that are due or signed by a CA that no longer signs;
    //    rewrite Secrets (and the webhook's caBundle) whose bundle is not the phase's.
    for (auto& p : parties) {
      const Version& w = p.written();
      TrustBundle bundle = bundleFor(state);
      bool renew = false;
      if (w.leaf) {
        const Certificate& signer = cas.at(signingCa(state)).certificate();
        renew = decideCertificateRenewal(w.leaf->certificate, p.renew_before, now, &signer).renew;
      }
      if (renew) {
        ++result.renewals;
        p.versions.push_back({now, issueFor(p, now), bundle});
      } else if (bundle.toPem() != w.bundle.toPem()) {
        p.versions.push_back({now, w.leaf, bundle});
      }
    }
    // 4. Every certificate served must verify, now, for everyone who checks it: each
    //    workload pair both ways (mTLS), and the API server calling the webhook.
    for (const auto& server : parties) {
      for (const auto& client : parties) {
        if (server.kind == Kind::kWorkload && client.kind == Kind::kWorkload) {
          check(client, server, TrustBundle::Purpose::kServer);
          check(server, client, TrustBundle::Purpose::kClient);
        } else if (server.kind == Kind::kWebhook && client.kind == Kind::kApiServer) {
          check(client, server, TrustBundle::Purpose::kServer);
        }
      }
    }
  }
  return result;
}

TEST(CaRotationSimulationTest, EveryLiveCertificateVerifiesAtEveryStep) {
  SimResult r = simulate(/*naive=*/false);
  EXPECT_TRUE(r.failures.empty()) << r.failures.size() << " failures, first: " << r.failures.front();
  EXPECT_EQ(r.verifications, 673 * (9 * 2 + 1));  // 30-minute steps over 14 days
  EXPECT_GE(r.rotations_completed, 2);
  EXPECT_EQ(r.phases_seen, (std::set<std::string>{"Active", "NewCaStaged", "NewCaActive", "OldCaRemoved"}));
  EXPECT_GE(r.renewals, 40);
}

TEST(CaRotationSimulationTest, SwappingTheCaAtOnceBreaksPeers) {
  // The control: the same mesh without the staged plan does fail, among sidecars and
  // between the API server and the webhook, so the check above can see a broken rotation.
  SimResult r = simulate(/*naive=*/true);
  EXPECT_GE(r.rotations_completed, 2);
  ASSERT_FALSE(r.failures.empty());
  bool webhook_broke = false;
  for (const auto& f : r.failures)
    webhook_broke |= f.find("kube-apiserver cannot verify paymesh-webhook") != std::string::npos;
  EXPECT_TRUE(webhook_broke);
}

}  // namespace
}  // namespace paymesh::pki
