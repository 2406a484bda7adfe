#include "operator/controller/mesh_ca.h"

#include <gtest/gtest.h>

#include "reconciler_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

class EnsureMeshCaTest : public ReconcilerTest {
protected:
  // The CA Secret paymesh wrote for a CA made ten years and a day ago, now expired.
  Json expiredCaSecret() {
    auto old = pki::CertificateAuthority::create({}, fixedNow() - 24h * 3651);
    EXPECT_TRUE(old.isOk());
    Json secret = caSecretObject(defaultMeshConfig(), *old);
    secret["metadata"]["resourceVersion"] = "7";
    return secret;
  }
};

// A restarted operator used to fail on an expired CA of its own forever ("mesh CA
// unavailable ... expired" every 2 s): it is replaced, conditionally on what was read.
TEST_F(EnsureMeshCaTest, AnExpiredCaOfItsOwnIsReplaced) {
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", expiredCaSecret())
      .expectUpdate(res::kSecrets, "paymesh-system", "paymesh-ca");
  auto state = ensureMeshCa(client_, defaultMeshConfig(), fixedNow());
  ASSERT_TRUE(state.isOk()) << state.status().toString();
  EXPECT_GT((*state)->ca->certificate().notAfter(), fixedNow() + 24h * 3649);
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].body["metadata"]["resourceVersion"], "7");
}

// One managed elsewhere is only followed: its expiry is an error, the Secret untouched.
TEST_F(EnsureMeshCaTest, AnExpiredCaManagedElsewhereIsAnErrorAndLeftAlone) {
  model::MeshConfig existing = defaultMeshConfig();
  existing.ca.existing = true;
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", expiredCaSecret());
  auto state = ensureMeshCa(client_, existing, fixedNow());
  ASSERT_FALSE(state.isOk());
  EXPECT_NE(state.status().message().find("expired"), std::string::npos) << state.status().message();

  Json unlabelled = expiredCaSecret();
  unlabelled["metadata"].erase("labels");
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", unlabelled);
  EXPECT_FALSE(ensureMeshCa(client_, defaultMeshConfig(), fixedNow()).isOk());
}

}  // namespace
}  // namespace paymesh::ctrl::testing
