#include "operator/status/conditions.h"

#include <gtest/gtest.h>

#include "operator/test_util.h"

namespace paymesh::ctrl {
namespace {

using testing::conditionOf;

Observed healthy() {
  Observed o;
  o.generation = 3;
  o.config_ok = true;
  o.config_hash = "sha256:abc";
  o.uses_ring = true;
  o.ring_checksum = "xxh64:1";
  o.endpoints = 2;
  o.certificate_ok = true;
  o.certificate_not_after = "2026-06-02T00:00:00Z";
  return o;
}

TEST(ConditionsTest, HealthyServiceIsReadyWithEveryCondition) {
  auto st = computeStatus(healthy(), {}, "T1");
  EXPECT_EQ(st.observed_generation, 3);
  EXPECT_EQ(st.endpoints, 2);
  EXPECT_EQ(st.ring_checksum, "xxh64:1");
  EXPECT_EQ(st.config_hash, "sha256:abc");
  EXPECT_EQ(st.certificate_not_after, "2026-06-02T00:00:00Z");
  for (const char* t : {kReady, kRingReady, kConfigReady, kCertificateReady, kDependenciesResolved}) {
    EXPECT_EQ(conditionOf(st, t).status, "True") << t;
    EXPECT_EQ(conditionOf(st, t).observed_generation, 3);
    EXPECT_EQ(conditionOf(st, t).last_transition_time, "T1");
  }
}

TEST(ConditionsTest, MissingDependencyNamesItAndTheRestStillRenders) {
  auto o = healthy();
  o.missing = {"ledger"};
  auto st = computeStatus(o, {}, "T1");
  EXPECT_EQ(conditionOf(st, kDependenciesResolved).status, "False");
  EXPECT_EQ(conditionOf(st, kDependenciesResolved).reason, "DependencyNotFound");
  EXPECT_NE(conditionOf(st, kDependenciesResolved).message.find("\"ledger\""), std::string::npos);
  EXPECT_EQ(conditionOf(st, kConfigReady).status, "True");
  EXPECT_EQ(conditionOf(st, kReady).status, "False");
  EXPECT_EQ(conditionOf(st, kReady).reason, "DependencyNotFound");
}

TEST(ConditionsTest, RingStates) {
  auto o = healthy();
  o.ring_checksum.clear();
  o.endpoints = 0;
  auto st = computeStatus(o, {}, "T");
  EXPECT_EQ(conditionOf(st, kRingReady).reason, "NoEndpoints");
  EXPECT_EQ(conditionOf(st, kReady).status, "True") << "no endpoints does not make the service's own config unready";
  o.endpoints = 3;
  o.notes = {"ring.json not published: too big"};
  EXPECT_EQ(conditionOf(computeStatus(o, {}, "T"), kRingReady).reason, "RingNotPublished");
  o.config_ok = false;
  o.config_reason = kConfigTooLarge;
  EXPECT_EQ(conditionOf(computeStatus(o, {}, "T"), kRingReady).message,
            "ring not published: its ConfigMap is not written (ConfigTooLarge)");
  o.config_ok = true;
  o.uses_ring = false;
  EXPECT_EQ(conditionOf(computeStatus(o, {}, "T"), kRingReady).status, "True");
}

// Refused by the API server: said in ConfigReady and Ready, the hash of the ConfigMap in
// place kept, no ring claimed.
TEST(ConditionsTest, ARefusedConfigMapIsSaidAndTheOneInPlaceKept) {
  auto o = healthy();
  configRefused(o, "ConfigMap \"payment-paymesh\" is invalid: data: Too long");
  model::PaymentServiceStatus previous;
  previous.config_hash = "sha256:before";
  auto st = computeStatus(o, previous, "T");
  EXPECT_EQ(conditionOf(st, kConfigReady).reason, kConfigRefused);
  EXPECT_EQ(
      conditionOf(st, kConfigReady).message,
      "the API server refused the ConfigMap: ConfigMap \"payment-paymesh\" is invalid: data: Too long; the one in "
      "place is kept");
  EXPECT_EQ(conditionOf(st, kReady).reason, "ConfigNotReady");
  EXPECT_EQ(st.config_hash, "sha256:before");
  EXPECT_TRUE(st.ring_checksum.empty());
}

// A pass that did not write names the ConfigMap in place, whichever pass wrote it.
TEST(ConditionsTest, AConfigNotWrittenNamesTheOneInPlace) {
  auto o = healthy();
  o.config_ok = false;
  o.config_reason = kConfigTooLarge;
  o.config_hash_in_place = "sha256:in-place";
  model::PaymentServiceStatus previous;
  previous.config_hash = "sha256:older";
  EXPECT_EQ(computeStatus(o, previous, "T").config_hash, "sha256:in-place");
  o.config_hash_in_place.clear();
  EXPECT_EQ(computeStatus(o, previous, "T").config_hash, "sha256:older");
}

TEST(ConditionsTest, FailuresSayWhy) {
  auto o = healthy();
  o.certificate_ok = false;
  o.certificate_error = "issue failed: boom";
  auto st = computeStatus(o, {}, "T");
  EXPECT_EQ(conditionOf(st, kCertificateReady).message, "issue failed: boom");
  EXPECT_EQ(conditionOf(st, kReady).reason, "CertificateNotReady");
  o = healthy();
  o.config_ok = false;
  o.config_error = "render failed: x";
  st = computeStatus(o, {}, "T");
  EXPECT_EQ(conditionOf(st, kConfigReady).reason, "RenderFailed");
  EXPECT_EQ(conditionOf(st, kReady).reason, "ConfigNotReady");
}

TEST(ConditionsTest, TransitionTimeKeptUntilStatusFlips) {
  auto first = computeStatus(healthy(), {}, "T1");
  auto second = computeStatus(healthy(), first, "T2");
  EXPECT_EQ(conditionOf(second, kReady).last_transition_time, "T1");
  EXPECT_EQ(model::statusToJson(first), model::statusToJson(second)) << "no change, no write";
  auto o = healthy();
  o.missing = {"x"};
  auto third = computeStatus(o, second, "T3");
  EXPECT_EQ(conditionOf(third, kReady).last_transition_time, "T3");
  EXPECT_EQ(conditionOf(third, kConfigReady).last_transition_time, "T1");
}

TEST(ConditionsTest, TransitionsWorthAnEvent) {
  auto good = computeStatus(healthy(), {}, "T1");
  EXPECT_TRUE(transitions({}, good).empty()) << "coming up healthy is not news";
  auto o = healthy();
  o.missing = {"x"};
  auto bad = computeStatus(o, good, "T2");
  auto ts = transitions(good, bad);
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].type, kReady);
  EXPECT_TRUE(ts[0].warning);
  EXPECT_EQ(ts[1].type, kDependenciesResolved);
  auto back = transitions(bad, computeStatus(healthy(), bad, "T3"));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_FALSE(back[0].warning);
}

TEST(ConditionsTest, AConfigMapNameTakenMakesReadyFalseNamingTheObjectAndKeepsTheCertificate) {
  auto good = computeStatus(healthy(), {}, "T1");
  auto o = healthy();
  configNameTaken(o, "ConfigMap payments/ledger-paymesh is in the way: it is not labelled x");
  auto st = computeStatus(o, good, "T2");
  EXPECT_EQ(conditionOf(st, kReady).status, "False");
  EXPECT_EQ(conditionOf(st, kReady).reason, kChildNameTaken);
  EXPECT_EQ(conditionOf(st, kReady).message, "ConfigMap payments/ledger-paymesh is in the way: it is not labelled x");
  EXPECT_EQ(conditionOf(st, kConfigReady).status, "False");
  EXPECT_EQ(conditionOf(st, kConfigReady).reason, kChildNameTaken);
  EXPECT_EQ(conditionOf(st, kCertificateReady).status, "True");
  EXPECT_EQ(st.certificate_not_after, "2026-06-02T00:00:00Z");
  EXPECT_EQ(st.config_hash, "sha256:abc") << "the last config written stays reported";
  EXPECT_EQ(st.ring_checksum, "") << "the ring was not published";
  EXPECT_EQ(st.observed_generation, 3);
  EXPECT_EQ(conditionOf(st, kRingReady).status, "False");
  // Once on the transition: Ready, RingReady and ConfigReady went False.
  auto ts = transitions(good, st);
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].reason, kChildNameTaken);
  EXPECT_TRUE(ts[0].warning);
  EXPECT_TRUE(transitions(st, computeStatus(o, st, "T3")).empty()) << "a recheck is no news";
}

TEST(ConditionsTest, ASecretNameTakenMakesCertificateReadyFalseAndBothAreNamedInReady) {
  auto o = healthy();
  certificateNameTaken(o, "Secret payments/ledger-paymesh-tls is in the way: b");
  auto st = computeStatus(o, {}, "T1");
  EXPECT_EQ(conditionOf(st, kCertificateReady).reason, kChildNameTaken);
  EXPECT_EQ(conditionOf(st, kCertificateReady).message, "Secret payments/ledger-paymesh-tls is in the way: b");
  EXPECT_EQ(st.certificate_not_after, "") << "no certificate of ours in force";
  EXPECT_EQ(conditionOf(st, kConfigReady).status, "True");
  EXPECT_EQ(conditionOf(st, kReady).reason, kChildNameTaken);
  configNameTaken(o, "ConfigMap payments/ledger-paymesh is in the way: a");
  EXPECT_EQ(conditionOf(computeStatus(o, {}, "T1"), kReady).message,
            "ConfigMap payments/ledger-paymesh is in the way: a; Secret payments/ledger-paymesh-tls is in the way: b");
  // Freed: the next pass is Ready again, an Event says so.
  auto back = computeStatus(healthy(), st, "T2");
  EXPECT_EQ(conditionOf(back, kReady).status, "True");
  EXPECT_FALSE(transitions(st, back).empty());
}

}  // namespace
}  // namespace paymesh::ctrl
