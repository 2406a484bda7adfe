#include "pki/trust_bundle.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "pki/authority.h"
#include "pki/issue.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::fixedNow;

struct Fixture {
  CertificateAuthority a = *CertificateAuthority::create({"A", KeyAlgorithm::kEcdsaP256, 24h * 365}, fixedNow());
  CertificateAuthority b = *CertificateAuthority::create({"B", KeyAlgorithm::kRsa2048, 24h * 365}, fixedNow());
  LeafSpec spec =
      *workloadLeafSpec({"cluster.local", "payments", "settlement", "settlement"}, 24h, KeyAlgorithm::kEcdsaP256);
};

TEST(TrustBundleTest, VerifiesLeavesOfEveryCaItHolds) {
  Fixture f;
  auto leaf_a = issueCertificate(f.a, f.spec, fixedNow());
  auto leaf_b = issueCertificate(f.b, f.spec, fixedNow());
  TrustBundle both({f.a.certificate(), f.b.certificate()});
  EXPECT_TRUE(both.verify(leaf_a->certificate, {}, fixedNow()).isOk());
  EXPECT_TRUE(both.verify(leaf_b->certificate, {}, fixedNow(), TrustBundle::Purpose::kServer).isOk());
  EXPECT_TRUE(both.verify(leaf_b->certificate, {}, fixedNow(), TrustBundle::Purpose::kClient).isOk());
  TrustBundle only_a({f.a.certificate()});
  Status s = only_a.verify(leaf_b->certificate, {}, fixedNow());
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_NE(s.message().find("unable to get local issuer certificate"), std::string::npos) << s.message();
}

TEST(TrustBundleTest, VerifiesAtTheGivenTimeNotTheWallClock) {
  Fixture f;
  auto leaf = issueCertificate(f.a, f.spec, fixedNow());
  TrustBundle bundle({f.a.certificate()});
  EXPECT_TRUE(bundle.verify(leaf->certificate, {}, fixedNow() + 23h).isOk());
  Status late = bundle.verify(leaf->certificate, {}, fixedNow() + 25h);
  EXPECT_NE(late.message().find("certificate has expired"), std::string::npos) << late.message();
  Status early = bundle.verify(leaf->certificate, {}, fixedNow() - 1h);
  EXPECT_NE(early.message().find("not yet valid"), std::string::npos) << early.message();
}

TEST(TrustBundleTest, PemAndCaBundleRoundTrip) {
  Fixture f;
  TrustBundle bundle({f.a.certificate(), f.b.certificate(), f.a.certificate()});
  EXPECT_EQ(bundle.cas().size(), 2u);
  EXPECT_EQ(bundle.toPem(), f.a.certificate().toPem() + f.b.certificate().toPem());
  EXPECT_EQ(*base64Decode(bundle.caBundle()), bundle.toPem());
  auto back = TrustBundle::fromPem(bundle.toPem());
  ASSERT_TRUE(back.isOk());
  EXPECT_TRUE(back->contains(f.a.certificate()));
  EXPECT_TRUE(back->contains(f.b.certificate()));
}

TEST(TrustBundleTest, RefusesNonCaCertificatesAndEmptyBundles) {
  Fixture f;
  auto leaf = issueCertificate(f.a, f.spec, fixedNow());
  auto r = TrustBundle::fromPem(f.a.certificate().toPem() + leaf->certificate.toPem());
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("certificate 2"), std::string::npos);
  EXPECT_NE(r.status().message().find("is not a CA"), std::string::npos);
  EXPECT_FALSE(TrustBundle::fromPem("").isOk());
  EXPECT_EQ(TrustBundle().verify(leaf->certificate, {}, fixedNow()).code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace paymesh::pki
