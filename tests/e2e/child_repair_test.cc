// End-to-end: what someone else changes in a child the operator wrote is repaired. The
// watch delivers the change; it must not be taken for the echo of the operator's own
// write (see echoFingerprint).

#include "base/base64.h"
#include "pki/key.h"
#include "pki/tls_secret.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

constexpr const char* kNs = "payments";
constexpr const char* kSecret = "ledger-paymesh-tls";

class ChildRepairTest : public OperatorTest {
protected:
  void SetUp() override {
    OperatorTest::SetUp();
    applyServices();
    applyPods();
    ControllerOptions o;
    o.queue.base_backoff = 20ms;
    startOperator(o);
    ASSERT_TRUE(waitFor([&] { return allReady() && client_->get(res::kSecrets, kNs, kSecret).isOk(); }));
  }

  Json get(const kube::ResourceRef& res, const std::string& name) {
    auto got = client_->get(res, kNs, name);
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : Json::object();
  }

  // Replaces tls.key of the ledger's Secret, then waits for a new certificate whose key
  // matches it; "" when repaired, else what was left.
  std::string tamperKeyAndWaitForRepair(const std::string& key_pem) {
    Json secret = get(res::kSecrets, kSecret);
    const std::string old_crt = secret["data"]["tls.crt"];
    const std::string tampered = base64Encode(key_pem);
    secret["data"]["tls.key"] = tampered;
    auto updated = client_->update(res::kSecrets, secret);
    if (!updated.isOk()) return "tampering failed: " + updated.status().toString();
    std::string left = "never looked";
    waitFor(
        [&] {
          Json now = get(res::kSecrets, kSecret);
          auto material = pki::readTlsSecret(now);
          if (now["data"]["tls.key"] == tampered) return (left = "tls.key still the tampered one").empty();
          if (!material.isOk()) return (left = "unreadable: " + material.status().message()).empty();
          if (now["data"]["tls.crt"] == old_crt) return (left = "the certificate was not reissued").empty();
          return (left = "").empty();
        },
        30s);
    return left;
  }

  // The CertificateRenewed Events of the ledger that name tls.key.
  size_t keyRenewalEvents() {
    auto events = client_->list(res::kEvents, kNs, {});
    size_t n = 0;
    if (!events.isOk()) return 0;
    for (const auto& e : events->items) {
      if (e.value("reason", "") == "CertificateRenewed" && e["involvedObject"].value("name", "") == "ledger" &&
          e.value("message", "").find("tls.key") != std::string::npos)
        ++n;
    }
    return n;
  }
};

TEST_F(ChildRepairTest, TlsKeyOfAnotherPairIsReplacedByANewMatchingPairWithAnEvent) {
  auto other = pki::PrivateKey::generate(pki::KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(other.isOk());
  auto pem = other->toPkcs8Pem();
  ASSERT_TRUE(pem.isOk());
  EXPECT_EQ(tamperKeyAndWaitForRepair(*pem), "");
  EXPECT_TRUE(waitFor([&] { return keyRenewalEvents() == 1; }, 10s)) << keyRenewalEvents();
}

TEST_F(ChildRepairTest, GarbageTlsKeyIsReplacedByANewMatchingPairWithAnEvent) {
  EXPECT_EQ(tamperKeyAndWaitForRepair("not a key at all"), "");
  EXPECT_TRUE(waitFor([&] { return keyRenewalEvents() == 1; }, 10s)) << keyRenewalEvents();
}

TEST_F(ChildRepairTest, EditedConfigHashAnnotationIsRestored) {
  const std::string name = "ledger-paymesh";
  Json cm = get(res::kConfigMaps, name);
  const std::string want = cm["metadata"]["annotations"]["paymesh.io/config-hash"];
  cm["metadata"]["annotations"]["paymesh.io/config-hash"] = "sha256:edited";
  cm["metadata"]["annotations"]["team"] = "core";  // someone else's: kept
  ASSERT_TRUE(client_->update(res::kConfigMaps, cm).isOk());
  EXPECT_TRUE(waitFor(
      [&] {
        Json now = get(res::kConfigMaps, name);
        return now["metadata"]["annotations"].value("paymesh.io/config-hash", "") == want;
      },
      30s))
      << get(res::kConfigMaps, name)["metadata"].dump();
  EXPECT_EQ(get(res::kConfigMaps, name)["metadata"]["annotations"].value("team", ""), "core");
}

}  // namespace
}  // namespace paymesh::ctrl::testing
