#include "operator/desired/children.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/base64.h"

#include "operator/test_util.h"
#include "pki/issue.h"
#include "pki/tls_secret.h"
#include "policy/sidecar_config.h"

namespace paymesh::ctrl {
namespace {

using namespace std::chrono_literals;
using testing::service;

pki::TimePoint fixedNow() { return std::chrono::system_clock::from_time_t(1780272000); }

const model::MeshConfig& mesh() {
  static const model::MeshConfig m = *model::parseMeshConfig(nlohmann::json::object()).config;
  return m;
}

Json desiredConfigMap(const std::string& ring_text = "ring") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", "a-paymesh"},
            {"namespace", "payments"},
            {"labels", {{kManagedByLabel, kManagedByValue}}},
            {"annotations", {{"paymesh.io/config-hash", "sha256:x"}}},
            {"ownerReferences", Json::array({ownerReference(service("a"))})}}},
          {"data", {{"envoy.yaml", "x: 1\n"}, {"ring.json", ring_text}}}};
}

bool upToDate(const Json& desired, const Json& cached) {
  return configMapUpToDate(desired, configMapDataHash(desired["data"]), cached);
}

TEST(ChildrenTest, OwnerReferenceIsTheController) {
  auto ref = ownerReference(service("a"));
  EXPECT_EQ(ref["kind"], "PaymentService");
  EXPECT_EQ(ref["uid"], "uid-a");
  EXPECT_EQ(ref["controller"], true);
  EXPECT_EQ(ref["blockOwnerDeletion"], true);
}

TEST(ChildrenTest, TrimmedConfigMapComparesByDataDigest) {
  Json cached = desiredConfigMap();
  cached["metadata"]["resourceVersion"] = "7";
  cached["metadata"]["labels"]["extra"] = "kept";  // others' labels do not matter
  trimConfigMap(cached);
  EXPECT_FALSE(cached.contains("data"));
  EXPECT_TRUE(upToDate(desiredConfigMap(), cached));
  EXPECT_FALSE(upToDate(desiredConfigMap("other ring"), cached));
  Json no_owner = desiredConfigMap();
  no_owner["metadata"].erase("ownerReferences");
  trimConfigMap(no_owner);
  EXPECT_FALSE(upToDate(desiredConfigMap(), no_owner));
  Json changed_annotation = desiredConfigMap();
  changed_annotation["metadata"]["annotations"]["paymesh.io/config-hash"] = "sha256:y";
  trimConfigMap(changed_annotation);
  EXPECT_FALSE(upToDate(desiredConfigMap(), changed_annotation));
}

// A binary file goes to binaryData (base64, as the API carries it) and is digested
// decoded, as the desired files are: a ConfigMap read back with it is up to date, one
// whose bytes changed or cannot be decoded is not.
TEST(ChildrenTest, BinaryFilesAreKeptInBinaryDataAndDigestedAsTheirBytes) {
  std::map<std::string, std::string> files = {{"cds.yaml", "resources: []\n"},
                                              {"eds-a.pb", std::string("\x12\x00\xff\x80", 4)}};
  Json desired = configMapObject(service("a"), files, "sha256:x");
  EXPECT_EQ(desired["data"], Json({{"cds.yaml", "resources: []\n"}}));
  EXPECT_EQ(desired["binaryData"], Json({{"eds-a.pb", base64Encode(files.at("eds-a.pb"))}}));
  const std::string hash = policy::configHash(files);
  EXPECT_EQ(configMapFilesHash(desired), hash);
  Json cached = desired;
  trimConfigMap(cached);
  EXPECT_FALSE(cached.contains("binaryData"));
  EXPECT_TRUE(configMapUpToDate(desired, hash, cached));
  Json changed = desired;
  changed["binaryData"]["eds-a.pb"] = base64Encode("other");
  trimConfigMap(changed);
  EXPECT_FALSE(configMapUpToDate(desired, hash, changed));
  Json garbage = desired;
  garbage["binaryData"]["eds-a.pb"] = "not base64!";
  trimConfigMap(garbage);
  EXPECT_FALSE(configMapUpToDate(desired, hash, garbage));
  EXPECT_FALSE(configShardObject(service("a"), 0, {{"eds-b.json", "{}"}}).contains("binaryData"));
}

TEST(ChildrenTest, MergeForUpdateKeepsOthersLabelsAndTheResourceVersion) {
  Json current = desiredConfigMap();
  current["metadata"]["labels"]["team"] = "core";
  current["metadata"]["labels"][kManagedByLabel] = "someone-else";
  current["metadata"]["resourceVersion"] = "42";
  auto out = mergeForUpdate(desiredConfigMap("new"), current);
  EXPECT_EQ(out["metadata"]["labels"]["team"], "core");
  EXPECT_EQ(out["metadata"]["labels"][kManagedByLabel], kManagedByValue);
  EXPECT_EQ(out["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(out["data"]["ring.json"], "new");
}

// The echo of a ConfigMap write: the same fingerprint from the cache as the write took;
// any change to what the operator wrote differs, others' additions do not.
TEST(ChildrenTest, ConfigMapFingerprintCoversDataLabelsAnnotationsAndOwners) {
  const Json desired = desiredConfigMap();
  const std::string written = configMapFingerprint(desired, configMapDataHash(desired["data"]));
  const Json owned = ownedMetadata(desired);
  auto echo = [&](const std::function<void(Json&)>& change) {
    Json cached = desired;
    cached["metadata"]["resourceVersion"] = "7";
    change(cached);
    trimConfigMap(cached);
    return echoFingerprint(ChildKind::kConfigMap, cached, owned);
  };
  EXPECT_EQ(written.rfind("sha256:", 0), 0u) << written;
  EXPECT_EQ(echo([](Json&) {}), written);
  EXPECT_EQ(echo([](Json& o) { o["metadata"]["labels"]["team"] = "core"; }), written);
  EXPECT_EQ(echo([](Json& o) { o["metadata"]["annotations"]["note"] = "x"; }), written);
  EXPECT_NE(echo([](Json& o) { o["data"]["ring.json"] = "other"; }), written);
  EXPECT_NE(echo([](Json& o) { o["data"]["extra"] = "x"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["annotations"]["paymesh.io/config-hash"] = "sha256:y"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["annotations"].erase("paymesh.io/config-hash"); }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"].erase("annotations"); }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["labels"][kManagedByLabel] = "other"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["labels"][kManagedByLabel] = 1; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["ownerReferences"][0]["uid"] = "uid-b"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"].erase("ownerReferences"); }), written);
}

class CertificatePlanTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto ca = pki::CertificateAuthority::create({}, fixedNow() - 24h);
    ASSERT_TRUE(ca.isOk());
    ca_.emplace(std::move(*ca));
    bundle_.add(ca_->certificate());
  }
  Json issue(const model::PaymentService& svc, pki::TimePoint at, const pki::CertificateAuthority* ca = nullptr) {
    auto spec = pki::workloadLeafSpec(workloadIdentity(svc, mesh()), 24h, pki::KeyAlgorithm::kEcdsaP256);
    EXPECT_TRUE(spec.isOk());
    auto issued = pki::issueCertificate(ca ? *ca : *ca_, *spec, at);
    EXPECT_TRUE(issued.isOk());
    auto content = pki::tlsSecretContent(*issued, bundle_);
    EXPECT_TRUE(content.isOk());
    return tlsSecretObject(svc, *content);
  }
  pki::LeafSpec leafSpec() {
    return *pki::workloadLeafSpec(workloadIdentity(service("a"), mesh()), 24h, pki::KeyAlgorithm::kEcdsaP256);
  }
  std::optional<pki::CertificateAuthority> ca_;
  pki::TrustBundle bundle_;
};

TEST_F(CertificatePlanTest, MissingSecretIsIssued) {
  auto plan = planCertificate(service("a"), mesh(), nullptr, *ca_, bundle_, fixedNow());
  EXPECT_EQ(plan.action, CertificatePlan::Action::kIssue);
  EXPECT_EQ(plan.reason, "missing");
}

TEST_F(CertificatePlanTest, FreshCertificateIsKeptAndRequeuedForItsRenewalTime) {
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "24h"}, {"renewBefore", "8h"}}}}}});
  Json secret = issue(svc, fixedNow());
  EXPECT_EQ(secret["metadata"]["name"], "a-paymesh-tls");
  EXPECT_EQ(secret["metadata"]["ownerReferences"][0]["uid"], "uid-a");
  auto plan = planCertificate(svc, mesh(), &secret, *ca_, bundle_, fixedNow() + 1h);
  EXPECT_EQ(plan.action, CertificatePlan::Action::kNone);
  EXPECT_EQ(plan.next_check, fixedNow() + 16h);
  EXPECT_EQ(plan.not_after, fixedNow() + 24h);
  EXPECT_EQ(requeueDelay(plan.next_check, fixedNow() + 1h), std::chrono::milliseconds(15h));
}

// The plan for a just-issued leaf, without re-reading a Secret, is the one read back.
TEST_F(CertificatePlanTest, KeepingAnIssuedLeafPlansTheSameRenewal) {
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "24h"}, {"renewBefore", "8h"}}}}}});
  Json secret = issue(svc, fixedNow());
  auto material = pki::readTlsSecret(secret);
  ASSERT_TRUE(material.isOk());
  auto kept = keepCertificate(svc, mesh(), material->leaf(), std::nullopt, *ca_, fixedNow() + 1h);
  auto read = planCertificate(svc, mesh(), &secret, *ca_, bundle_, fixedNow() + 1h);
  EXPECT_EQ(kept.action, CertificatePlan::Action::kNone);
  EXPECT_EQ(kept.not_after, read.not_after);
  EXPECT_EQ(kept.next_check, read.next_check);
  EXPECT_EQ(kept.mounted_not_after, kept.not_after);
  EXPECT_EQ(keepCertificate(svc, mesh(), material->leaf(), std::nullopt, *ca_, fixedNow() + 17h).action,
            CertificatePlan::Action::kIssue);
}

// After a renewal a sidecar may present the replaced certificate until the kubelet has
// mounted the new one: for ca.secretPropagationDelay (2m by default) the mounted expiry
// is the older one.
TEST_F(CertificatePlanTest, TheMountedExpiryCountsTheReplacedCertificateUntilTheKubeletHasSwappedIt) {
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "24h"}, {"renewBefore", "8h"}}}}}});
  Json old_secret = issue(svc, fixedNow());
  auto due = planCertificate(svc, mesh(), &old_secret, *ca_, bundle_, fixedNow() + 16h);
  ASSERT_EQ(due.action, CertificatePlan::Action::kIssue);
  ASSERT_TRUE(due.previous_not_after);
  EXPECT_EQ(*due.previous_not_after, fixedNow() + 24h);

  // The renewed Secret notes what it replaced, and when.
  const pki::TimePoint swapped = fixedNow() + 16h;
  auto spec = pki::workloadLeafSpec(workloadIdentity(svc, mesh()), 24h, pki::KeyAlgorithm::kEcdsaP256);
  auto issued = pki::issueCertificate(*ca_, *spec, swapped);
  auto content = pki::tlsSecretContent(*issued, bundle_);
  Json renewed = tlsSecretObject(svc, *content, ReplacedCertificate{*due.previous_not_after, swapped});
  EXPECT_EQ(renewed["metadata"]["annotations"][kReplacedNotAfterAnnotation], pki::formatTime(fixedNow() + 24h));
  auto replaced = replacedCertificate(renewed);
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->replaced_at, swapped);

  // With secretPropagationDelay 1h the kubelets are given 1h.
  const model::MeshConfig slow = *model::parseMeshConfig({{"ca", {{"secretPropagationDelay", "1h"}}}}).config;
  auto within = planCertificate(svc, slow, &renewed, *ca_, bundle_, swapped + 30min);
  EXPECT_EQ(within.action, CertificatePlan::Action::kNone);
  EXPECT_EQ(within.not_after, swapped + 24h);
  EXPECT_EQ(within.mounted_not_after, fixedNow() + 24h);  // the old one may still be mounted
  EXPECT_EQ(within.next_check, swapped + 1h);             // look again when that ends
  auto after = planCertificate(svc, slow, &renewed, *ca_, bundle_, swapped + 1h);
  EXPECT_EQ(after.mounted_not_after, swapped + 24h);
  EXPECT_EQ(after.next_check, swapped + 16h);  // then at the renewal time
  // The default gives them 2 minutes.
  EXPECT_EQ(planCertificate(svc, mesh(), &renewed, *ca_, bundle_, swapped + 1min).mounted_not_after, fixedNow() + 24h);
  EXPECT_EQ(planCertificate(svc, mesh(), &renewed, *ca_, bundle_, swapped + 2min).mounted_not_after, swapped + 24h);

  // The view changes at swap + delay: the pass is requeued for it when that is sooner.
  auto view = mountedExpiry(swapped + 24h, replaced, 1h, swapped + 30min);
  EXPECT_EQ(view.not_after, fixedNow() + 24h);
  EXPECT_EQ(view.changes_at, swapped + 1h);
  EXPECT_EQ(mountedExpiry(swapped + 24h, replaced, 1h, swapped + 1h).not_after, swapped + 24h);
  EXPECT_EQ(mountedExpiry(swapped + 24h, std::nullopt, 1h, swapped).changes_at, std::nullopt);
  Json unreadable = renewed;
  unreadable["metadata"]["annotations"][kReplacedAtAnnotation] = "yesterday";
  EXPECT_FALSE(replacedCertificate(unreadable));
}

TEST_F(CertificatePlanTest, DueCertificateIsRenewed) {
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "24h"}, {"renewBefore", "8h"}}}}}});
  Json secret = issue(svc, fixedNow());
  auto plan = planCertificate(svc, mesh(), &secret, *ca_, bundle_, fixedNow() + 17h);
  EXPECT_EQ(plan.action, CertificatePlan::Action::kIssue);
}

TEST_F(CertificatePlanTest, IdentityChangesReissueTrustChangesUpdate) {
  auto svc = service("a");
  Json secret = issue(svc, fixedNow());
  auto renamed = service("a", {{"serviceAccount", "other"}});
  EXPECT_EQ(planCertificate(renamed, mesh(), &secret, *ca_, bundle_, fixedNow()).reason, "identity changed");
  auto other_ca = pki::CertificateAuthority::create({}, fixedNow() - 1h);
  ASSERT_TRUE(other_ca.isOk());
  pki::TrustBundle two = bundle_;
  two.add(other_ca->certificate());
  // A CA added to (or removed from) the bundle keeps the certificate and its key: only
  // ca.crt is rewritten, after which the Secret is current.
  auto bundle_plan = planCertificate(svc, mesh(), &secret, *ca_, two, fixedNow());
  EXPECT_EQ(bundle_plan.action, CertificatePlan::Action::kUpdate);
  EXPECT_EQ(bundle_plan.reason, "trust bundle changed");
  Json refreshed = withTrustBundle(secret, two);
  EXPECT_EQ(refreshed["data"]["tls.crt"], secret["data"]["tls.crt"]);
  EXPECT_EQ(refreshed["data"]["tls.key"], secret["data"]["tls.key"]);
  EXPECT_EQ(planCertificate(svc, mesh(), &refreshed, *ca_, two, fixedNow()).action, CertificatePlan::Action::kNone);
  // Signed by a CA that is no longer the signing CA: renewed at once.
  Json by_other = issue(svc, fixedNow(), &*other_ca);
  EXPECT_EQ(planCertificate(svc, mesh(), &by_other, *ca_, bundle_, fixedNow()).action, CertificatePlan::Action::kIssue);
}

TEST_F(CertificatePlanTest, BrokenSecretIsReissuedAndMissingOwnerIsMetadataOnly) {
  auto svc = service("a");
  Json secret = issue(svc, fixedNow());
  Json broken = secret;
  broken["data"]["tls.key"] = "AAAA";
  auto plan = planCertificate(svc, mesh(), &broken, *ca_, bundle_, fixedNow());
  EXPECT_EQ(plan.action, CertificatePlan::Action::kIssue);
  EXPECT_EQ(plan.reason.rfind("unreadable", 0), 0u) << plan.reason;
  Json orphan = secret;
  orphan["metadata"].erase("ownerReferences");
  auto orphan_plan = planCertificate(svc, mesh(), &orphan, *ca_, bundle_, fixedNow());
  EXPECT_EQ(orphan_plan.action, CertificatePlan::Action::kUpdate);
  EXPECT_EQ(orphan_plan.reason, "metadata");
}

TEST_F(CertificatePlanTest, KeyOfAnotherPairIsReissued) {
  auto svc = service("a");
  Json secret = issue(svc, fixedNow());
  auto other = pki::PrivateKey::generate(pki::KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(other.isOk());
  auto pem = other->toPkcs8Pem();
  ASSERT_TRUE(pem.isOk());
  secret["data"]["tls.key"] = base64Encode(*pem);  // a valid key, of the same algorithm
  auto plan = planCertificate(svc, mesh(), &secret, *ca_, bundle_, fixedNow());
  EXPECT_EQ(plan.action, CertificatePlan::Action::kIssue);
  EXPECT_NE(plan.reason.find("tls.key does not match"), std::string::npos) << plan.reason;
}

// The echo of a TLS Secret write covers every data key (the private key too), the type,
// the labels and annotations the operator sets and the owners.
TEST_F(CertificatePlanTest, SecretFingerprintCoversTheKeyAndEverythingElseWritten) {
  auto issued = pki::issueCertificate(*ca_, leafSpec(), fixedNow());
  ASSERT_TRUE(issued.isOk());
  auto content = pki::tlsSecretContent(*issued, bundle_);
  ASSERT_TRUE(content.isOk());
  const Json desired = tlsSecretObject(service("a"), *content, ReplacedCertificate{fixedNow() + 1h, fixedNow()});
  const Json owned = ownedMetadata(desired);
  const std::string written = echoFingerprint(ChildKind::kSecret, desired, owned);
  auto echo = [&](const std::function<void(Json&)>& change) {
    Json cached = desired;
    cached["metadata"]["resourceVersion"] = "9";
    change(cached);
    return echoFingerprint(ChildKind::kSecret, cached, owned);
  };
  auto other = pki::PrivateKey::generate(pki::KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(other.isOk());
  auto other_key = other->toPkcs8Pem();
  ASSERT_TRUE(other_key.isOk());
  EXPECT_EQ(echo([](Json&) {}), written);
  EXPECT_EQ(echo([](Json& o) { o["metadata"]["labels"]["team"] = "core"; }), written);
  EXPECT_NE(echo([&](Json& o) { o["data"]["tls.key"] = base64Encode(*other_key); }), written);
  EXPECT_NE(echo([](Json& o) { o["data"]["tls.key"] = base64Encode("garbage"); }), written);
  EXPECT_NE(echo([](Json& o) { o["data"].erase("tls.key"); }), written);
  EXPECT_NE(echo([](Json& o) { o["data"]["tls.crt"] = base64Encode("x"); }), written);
  EXPECT_NE(echo([](Json& o) { o["data"]["ca.crt"] = base64Encode("x"); }), written);
  EXPECT_NE(echo([](Json& o) { o["type"] = "Opaque"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["labels"][model::kServiceLabel] = "b"; }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["labels"].erase(kManagedByLabel); }), written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["annotations"][kReplacedAtAnnotation] = "2020-01-01T00:00:00Z"; }),
            written);
  EXPECT_NE(echo([](Json& o) { o["metadata"]["ownerReferences"] = Json::array(); }), written);
}

TEST(ChildrenTest, RequeueDelayIsAtLeastOneSecond) {
  EXPECT_EQ(requeueDelay(fixedNow() - 1h, fixedNow()), 1000ms);
  EXPECT_EQ(requeueDelay(fixedNow() + 2500ms, fixedNow()), 2500ms);
}

}  // namespace
}  // namespace paymesh::ctrl
