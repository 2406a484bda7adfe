#include "operator/desired/ca_rotation.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "pki/issue.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {
namespace {

// What the operator observed of the peers (no names, the old CA far from its end).
pki::CaRotationObservation peers(bool bundles_distributed, size_t live_leaves_signed_by_old) {
  pki::CaRotationObservation o;
  o.bundles_distributed = bundles_distributed;
  o.live_leaves_signed_by_old = live_leaves_signed_by_old;
  return o;
}

using Json = nlohmann::json;
using namespace std::chrono_literals;

pki::TimePoint t0() { return pki::TimePoint(std::chrono::seconds(1'800'000'000)); }

pki::CertificateAuthority newCa(pki::TimePoint now, std::chrono::seconds life = 24h * 30) {
  pki::CaOptions o;
  o.duration = life;
  auto ca = pki::CertificateAuthority::create(o, now);
  EXPECT_TRUE(ca.isOk()) << ca.status().toString();
  return std::move(*ca);
}

Json base() {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "paymesh-ca"}, {"namespace", "paymesh-system"}, {"resourceVersion", "7"}}}};
}

Json activeSecret(const pki::CertificateAuthority& ca, pki::TimePoint now) {
  CaSecretView v{ca, std::nullopt, {}, pki::initialCaState(ca.id(), now)};
  v.bundle.add(ca.certificate());
  return caSecretFor(base(), v);
}

CaSecretView read(const Json& secret, pki::TimePoint now) {
  auto v = readCaSecret(secret, "mesh CA Secret paymesh-system/paymesh-ca", now);
  EXPECT_TRUE(v.isOk()) << v.status().toString();
  return std::move(*v);
}

// A workload TLS Secret issued by `ca` carrying `bundle` as ca.crt.
Json leafSecret(const pki::CertificateAuthority& ca, const pki::TrustBundle& bundle, pki::TimePoint now) {
  auto spec = pki::workloadLeafSpec({"cluster.local", "payments", "pay", "pay"}, 24h, pki::KeyAlgorithm::kEcdsaP256);
  EXPECT_TRUE(spec.isOk());
  auto issued = pki::issueCertificate(ca, *spec, now);
  EXPECT_TRUE(issued.isOk());
  auto content = pki::tlsSecretContent(*issued, bundle);
  EXPECT_TRUE(content.isOk());
  return pki::tlsSecretData(*content);
}

std::string decoded(const Json& secret, const char* key) {
  auto d = base64Decode(secret["data"][key].get<std::string>());
  return d.isOk() ? *d : "";
}

TEST(CaRotationTest, CreatedSecretReadsBackActiveWithItsAnnotation) {
  auto a = newCa(t0());
  Json secret = activeSecret(a, t0());
  EXPECT_TRUE(secret["metadata"]["annotations"].contains(kCaRotationAnnotation));
  EXPECT_EQ(secret["metadata"]["resourceVersion"], "7");  // kept: the update is conditional
  auto v = read(secret, t0());
  EXPECT_EQ(v.rotation.phase, pki::CaPhase::kActive);
  EXPECT_EQ(v.rotation.ca, a.id());
  EXPECT_EQ(v.bundle.cas().size(), 1u);
  EXPECT_FALSE(v.next.has_value());
}

TEST(CaRotationTest, HandMadeOrInconsistentSecretIsActiveOnItsCertificate) {
  auto a = newCa(t0());
  auto b = newCa(t0());
  Json secret = activeSecret(a, t0());
  secret["metadata"].erase("annotations");
  EXPECT_EQ(read(secret, t0()).rotation.phase, pki::CaPhase::kActive);
  // Says NewCaStaged with B, but holds no staged CA: replaced by hand, so Active on A.
  secret["metadata"]["annotations"][kCaRotationAnnotation] =
      Json({{"phase", "NewCaStaged"}, {"since", "2027-01-15T08:00:00Z"}, {"ca", a.id()}, {"nextCa", b.id()}}).dump();
  auto v = read(secret, t0());
  EXPECT_EQ(v.rotation.phase, pki::CaPhase::kActive);
  EXPECT_EQ(v.rotation.ca, a.id());
  secret["metadata"]["annotations"][kCaRotationAnnotation] = "{not json";
  EXPECT_EQ(read(secret, t0()).rotation.phase, pki::CaPhase::kActive);
}

// An annotation's "since" in year 1013 is before what a time point holds: it reads as
// TimePoint::min() (it used to overflow int64 nanoseconds, undefined behaviour), the
// rotation plans from it in order, and it is written back as the earliest date held.
TEST(CaRotationTest, SinceInYear1013SaturatesAndPlansInOrder) {
  auto a = newCa(t0());
  auto b = newCa(t0());
  Json secret = activeSecret(a, t0());
  auto staged = read(secret, t0());
  staged.next = b;
  staged.bundle.add(b.certificate());
  staged.rotation = *pki::startCaRotation(staged.rotation, b.id(), t0());
  secret = caSecretFor(secret, staged);
  Json note = Json::parse(secret["metadata"]["annotations"][kCaRotationAnnotation].get<std::string>());
  note["since"] = "1013-05-01T00:00:00Z";
  secret["metadata"]["annotations"][kCaRotationAnnotation] = note.dump();
  auto v = read(secret, t0());
  EXPECT_EQ(v.rotation.phase, pki::CaPhase::kNewCaStaged);
  EXPECT_EQ(v.rotation.phase_since, pki::TimePoint::min());
  auto plan = planCaRotation(v, caRotationConfig(48h), peers(true, 0), t0(),
                             [] { return Result<pki::CertificateAuthority>(internalError("not called")); });
  ASSERT_TRUE(plan.isOk()) << plan.status().toString();
  EXPECT_EQ(plan->next.rotation.phase, pki::CaPhase::kNewCaActive) << "settled long ago";
  EXPECT_GE(plan->next_check, t0());
  Json back = Json::parse(caSecretFor(secret, v)["metadata"]["annotations"][kCaRotationAnnotation].get<std::string>());
  EXPECT_EQ(back["since"], "1677-09-21T00:12:43Z");
}

// Wrongly typed members anywhere in the Secret are taken as absent, never thrown on.
TEST(CaRotationTest, WronglyTypedSecretOrAnnotationIsReadWithoutThrowing) {
  auto a = newCa(t0());
  Json secret = activeSecret(a, t0());
  for (Json bad : {Json(5), Json("x"), Json::array({1}), Json({{"phase", 1}, {"since", 2}, {"ca", true}})}) {
    Json s = secret;
    s["metadata"]["annotations"][kCaRotationAnnotation] = bad.is_object() ? Json(bad.dump()) : bad;
    EXPECT_EQ(read(s, t0()).rotation.phase, pki::CaPhase::kActive) << bad.dump();
  }
  for (const char* path : {"/metadata", "/metadata/annotations", "/data"}) {
    Json s = secret;
    s[Json::json_pointer(path)] = 42;
    auto v = readCaSecret(s, "mesh CA Secret paymesh-system/paymesh-ca", t0());
    if (std::string(path) == "/data") {
      ASSERT_FALSE(v.isOk());
      EXPECT_EQ(v.status().message(), "mesh CA Secret paymesh-system/paymesh-ca: data.tls.crt missing");
    } else {
      EXPECT_TRUE(v.isOk()) << path << ": " << v.status().toString();
    }
  }
  EXPECT_FALSE(readCaSecret(Json(7), "mesh CA Secret paymesh-system/paymesh-ca", t0()).isOk());
}

TEST(CaRotationTest, BrokenSecretNamesTheField) {
  auto a = newCa(t0());
  Json secret = activeSecret(a, t0());
  secret["data"].erase("tls.key");
  auto v = readCaSecret(secret, "mesh CA Secret paymesh-system/paymesh-ca", t0());
  ASSERT_FALSE(v.isOk());
  EXPECT_EQ(v.status().message(), "mesh CA Secret paymesh-system/paymesh-ca: data.tls.key missing");
  secret = activeSecret(a, t0());
  secret["data"]["ca.crt"] = base64Encode("not a certificate");
  v = readCaSecret(secret, "mesh CA Secret paymesh-system/paymesh-ca", t0());
  ASSERT_FALSE(v.isOk());
  EXPECT_NE(v.status().message().find("data.ca.crt"), std::string::npos) << v.status().message();
}

TEST(CaRotationTest, ObservationComparesBundlesAndCountsLeavesOfTheOldCa) {
  auto a = newCa(t0());
  auto b = newCa(t0());
  CaSecretView v{b, std::nullopt, {}, pki::initialCaState(a.id(), t0())};
  v.rotation.phase = pki::CaPhase::kNewCaActive;
  v.rotation.next_ca = b.id();
  v.bundle.add(b.certificate());
  v.bundle.add(a.certificate());
  pki::TrustBundle only_a;
  only_a.add(a.certificate());
  Json by_b = leafSecret(b, v.bundle, t0());
  Json by_a = leafSecret(a, v.bundle, t0());
  Json stale = leafSecret(b, only_a, t0());
  auto o = observeCaRotation(v, {&by_b}, true, t0() + 1h);
  EXPECT_TRUE(o.bundles_distributed);
  EXPECT_EQ(o.live_leaves_signed_by_old, 0u);
  o = observeCaRotation(v, {&by_b, &by_a}, true, t0() + 1h);
  EXPECT_TRUE(o.bundles_distributed);
  EXPECT_EQ(o.live_leaves_signed_by_old, 1u);
  EXPECT_EQ(observeCaRotation(v, {&by_a}, true, t0() + 48h).live_leaves_signed_by_old, 0u);  // expired
  EXPECT_FALSE(observeCaRotation(v, {&by_b, &stale}, true, t0() + 1h).bundles_distributed);
  EXPECT_FALSE(observeCaRotation(v, {&by_b}, false, t0() + 1h).bundles_distributed);  // injector caBundle
}

// The whole rotation, each step through the Secret as written and read back, as the
// operator does it: a new CA is trusted everywhere before it signs, and the old one is
// dropped only once nothing it signed is in use.
TEST(CaRotationTest, FullRotationThroughTheSecret) {
  const auto life = std::chrono::seconds(30 * 24h);
  auto a = newCa(t0(), life);
  auto config = caRotationConfig(2h);
  EXPECT_EQ(config.propagation_delay, 1h);
  auto due = caRotationDue(a.certificate());
  EXPECT_GT(due, t0() + life / 2);
  EXPECT_LT(due, t0() + life * 3 / 4);
  Json secret = activeSecret(a, t0());
  int made = 0;
  auto make = [&]() -> Result<pki::CertificateAuthority> {
    ++made;
    return newCa(due, life);
  };

  // One pass that must write: the plan applied to the Secret and read back, as the
  // operator's next pass sees it.
  auto written = [&](const CaSecretView& from, const pki::CaRotationObservation& seen, pki::TimePoint at) {
    auto plan = planCaRotation(from, config, seen, at, make);
    EXPECT_TRUE(plan.isOk() && plan->write);
    if (plan.isOk()) secret = caSecretFor(secret, plan->next);
    return read(secret, at);
  };

  // Not due: nothing to do until then.
  auto plan = planCaRotation(read(secret, t0()), config, {}, t0() + 1h, make);
  ASSERT_TRUE(plan.isOk());
  EXPECT_FALSE(plan->write);
  EXPECT_EQ(plan->next_check, due);
  EXPECT_EQ(made, 0);

  // Due: B is staged, trusted with A, A still signs. (Whole seconds, as the annotation.)
  pki::TimePoint now = std::chrono::ceil<std::chrono::seconds>(due);
  auto staged = written(read(secret, now), {}, now);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(staged.rotation.phase, pki::CaPhase::kNewCaStaged);
  EXPECT_EQ(staged.signing.id(), a.id());
  ASSERT_TRUE(staged.next.has_value());
  auto b_id = staged.next->id();
  EXPECT_EQ(staged.bundle.cas().size(), 2u);
  EXPECT_NE(decoded(secret, kNextCaKeyKey).find("PRIVATE KEY"), std::string::npos);

  // B does not sign before every peer trusts it, and not before the propagation delay.
  pki::CaRotationObservation distributed = peers(true, 0);
  EXPECT_FALSE(planCaRotation(staged, config, peers(false, 0), now + 2h, make)->write);
  plan = planCaRotation(staged, config, distributed, now + 30min, make);
  EXPECT_FALSE(plan->write);
  EXPECT_EQ(plan->next_check, now + 1h);
  now += 1h;
  auto active = written(staged, distributed, now);
  EXPECT_FALSE(secret["data"].contains(kNextCaCertKey));
  EXPECT_EQ(active.rotation.phase, pki::CaPhase::kNewCaActive);
  EXPECT_EQ(active.signing.id(), b_id);
  ASSERT_EQ(active.bundle.cas().size(), 2u);
  EXPECT_EQ(active.bundle.cas()[0].fingerprintSha256(), b_id);  // the signing CA first
  EXPECT_EQ(active.bundle.cas()[1].fingerprintSha256(), a.id());

  // A stays trusted while leaves it signed live, then for one more delay.
  now += 2h;
  EXPECT_FALSE(planCaRotation(active, config, peers(true, 3), now, make)->write);
  active = written(active, distributed, now);  // records since when no old leaf is seen
  EXPECT_EQ(active.rotation.phase, pki::CaPhase::kNewCaActive);
  ASSERT_TRUE(active.rotation.old_leaves_gone_since.has_value());
  EXPECT_EQ(planCaRotation(active, config, distributed, now + 30min, make)->next.rotation.phase,
            pki::CaPhase::kNewCaActive);
  now += 1h;
  auto removed = written(active, distributed, now);
  EXPECT_EQ(removed.rotation.phase, pki::CaPhase::kOldCaRemoved);
  ASSERT_EQ(removed.bundle.cas().size(), 1u);
  EXPECT_EQ(removed.bundle.cas()[0].fingerprintSha256(), b_id);

  // Once every peer holds {B} only: Active again, on B, and due at 2/3 of B's life.
  now += 1h;
  auto done = written(removed, distributed, now);
  EXPECT_EQ(done.rotation.phase, pki::CaPhase::kActive);
  EXPECT_EQ(done.signing.id(), b_id);
  EXPECT_EQ(planCaRotation(done, config, {}, now, make)->next_check, caRotationDue(done.signing.certificate()));
  EXPECT_EQ(made, 1);
}

}  // namespace
}  // namespace paymesh::ctrl
