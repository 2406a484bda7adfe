#include "operator/desired/build_desired.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/base64.h"
#include "operator/desired/children.h"
#include "operator/desired/object_limits.h"
#include "operator/test_util.h"
#include "pki/tls_secret.h"
#include "policy/names.h"
#include "policy/render_fixture.h"
#include "yaml/yaml.h"

namespace paymesh::ctrl {
namespace {

using namespace std::chrono_literals;
using testing::conditionOf;
using testing::service;

pki::TimePoint fixedNow() { return std::chrono::system_clock::from_time_t(1780272000); }

const model::MeshConfig& mesh() { return policy::testing::defaultMesh(); }

// A view over services and endpoints given by the test, recording what is asked of it.
class FakeView : public ServiceView {
public:
  void add(model::PaymentService s, std::vector<model::ServiceEndpoint> eps = {}) {
    std::string name = s.metadata.name;
    services_[name] = std::move(s);
    if (!eps.empty()) endpoints_[name] = std::move(eps);
  }
  const model::PaymentService* find(const std::string& name) const override {
    found_.insert(name);
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : &it->second;
  }
  std::vector<model::ServiceEndpoint> endpoints(const model::PaymentService& s) const override {
    endpoints_of_.insert(s.metadata.name);
    auto it = endpoints_.find(s.metadata.name);
    return it == endpoints_.end() ? std::vector<model::ServiceEndpoint>{} : it->second;
  }
  const nlohmann::json* jwksObject(model::JwksSourceKind kind, const std::string& name) const override {
    auto it = keys_.find({kind, name});
    return it == keys_.end() ? nullptr : &it->second;
  }
  void addKeys(model::JwksSourceKind kind, const std::string& name, nlohmann::json object) {
    keys_[{kind, name}] = std::move(object);
  }
  mutable std::set<std::string> found_, endpoints_of_;

private:
  std::map<std::pair<model::JwksSourceKind, std::string>, nlohmann::json> keys_;
  std::map<std::string, model::PaymentService> services_;
  std::map<std::string, std::vector<model::ServiceEndpoint>> endpoints_;
};

model::ServiceEndpoint ep(const std::string& pod, const std::string& ip, bool ready = true) {
  return {pod, ip, 1, ready};
}

class BuildDesiredTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto ca = pki::CertificateAuthority::create({}, fixedNow() - 24h);
    ASSERT_TRUE(ca.isOk());
    ca_.emplace(std::move(*ca));
    bundle_.add(ca_->certificate());
  }
  Desired build(const model::PaymentService& svc, const ServiceView& view, const Json* secret = nullptr,
                pki::TimePoint now = fixedNow()) {
    Signer signer{*ca_, bundle_};
    return buildDesired({svc, view, mesh(), &signer, secret, now});
  }
  std::optional<pki::CertificateAuthority> ca_;
  pki::TrustBundle bundle_;
};

TEST_F(BuildDesiredTest, ConfigMapMetadataIsOwnedByTheService) {
  FakeView view;
  auto svc = service("ledger");
  Desired d = build(svc, view);
  ASSERT_TRUE(d.config_map);
  const auto& meta = (*d.config_map)["metadata"];
  EXPECT_EQ(meta["name"], "ledger-paymesh");
  EXPECT_EQ(meta["namespace"], "payments");
  EXPECT_EQ(meta["labels"],
            (nlohmann::ordered_json{{kManagedByLabel, kManagedByValue}, {"paymesh.io/service", "ledger"}}));
  EXPECT_EQ(meta["annotations"]["paymesh.io/config-hash"], d.config_hash);
  EXPECT_EQ(d.config_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(meta["ownerReferences"][0]["uid"], "uid-ledger");
  EXPECT_EQ(meta["ownerReferences"][0]["controller"], true);
  // Read from a file the service has no uid, and its children no owner.
  auto from_file = svc;
  from_file.metadata.uid.clear();
  EXPECT_FALSE((*build(from_file, view).config_map)["metadata"].contains("ownerReferences"));
  // The data digest is the hash of the files: what the cache compares without re-hashing.
  EXPECT_EQ(configMapDataHash(Json((*d.config_map)["data"])), d.config_hash);
}

TEST_F(BuildDesiredTest, ReadsOnlyTheServicesItsConfigNeeds) {
  FakeView view;
  auto payment = service("payment", {{"dependencies", {{{"name", "settlement"}}, {{"name", "missing"}}}},
                                     {"authorization", {{"allowedCallers", {"gateway"}}}}});
  view.add(service("settlement", {{"resilience", {{"fallback", {{"service", "standby"}}}}}}),
           {ep("s-1", "10.0.0.1"), ep("s-2", "10.0.0.2", false)});
  view.add(service("standby"), {ep("st-1", "10.0.1.1")});
  view.add(service("gateway", {{"serviceAccount", "edge"}}));
  view.add(service("unrelated"));
  Desired d = build(payment, view);
  EXPECT_EQ(view.found_, (std::set<std::string>{"settlement", "standby", "missing", "gateway"}));
  EXPECT_EQ(view.endpoints_of_, (std::set<std::string>{"payment", "settlement", "standby"}))
      << "the callers' endpoints are not read";
  EXPECT_EQ(d.observed.missing, std::vector<std::string>{"missing"});
  EXPECT_TRUE(d.observed.config_ok) << "the rest still renders";
  EXPECT_EQ(d.observed.without_endpoints, std::vector<std::string>{}) << "settlement and standby have endpoints";
  // The caller's service account is in the inbound RBAC.
  std::string lds = (*d.config_map)["data"]["lds.yaml"];
  EXPECT_NE(lds.find("spiffe://cluster.local/ns/payments/sa/edge"), std::string::npos);
  // Status: rendered, dependency missing, not Ready.
  std::map<std::string, std::string> conds;
  for (const auto& c : d.status.conditions) conds[c.type] = c.status + "/" + c.reason;
  EXPECT_EQ(conds[kDependenciesResolved], "False/DependencyNotFound");
  EXPECT_EQ(conds[kConfigReady], "True/Rendered");
  EXPECT_EQ(conds[kReady], "False/DependencyNotFound");
  EXPECT_EQ(d.status.observed_generation, 1);
}

TEST_F(BuildDesiredTest, ReadyEndpointsOfTheServiceAndItsRing) {
  FakeView view;
  auto svc = service("settlement");  // ConsistentHash by default
  view.add(svc, {ep("s-1", "10.0.0.1"), ep("s-2", "10.0.0.2"), ep("s-3", "10.0.0.3", false)});
  Desired d = build(svc, view);
  EXPECT_EQ(d.observed.endpoints, 2);
  EXPECT_TRUE(d.observed.uses_ring);
  EXPECT_FALSE(d.observed.ring_checksum.empty());
  EXPECT_TRUE((*d.config_map)["data"].contains("ring.json"));
  EXPECT_EQ(d.status.ring_checksum, d.observed.ring_checksum);
}

TEST_F(BuildDesiredTest, IssuesAMissingCertificateWithTheChildMetadata) {
  FakeView view;
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "24h"}, {"renewBefore", "8h"}}}}}});
  Desired d = build(svc, view);
  ASSERT_TRUE(d.secret);
  EXPECT_TRUE(d.issued);
  EXPECT_EQ(d.secret_reason, "missing");
  EXPECT_EQ((*d.secret)["metadata"], Json(childMetadata(svc, "a-paymesh-tls")));
  auto material = pki::readTlsSecret(*d.secret);
  ASSERT_TRUE(material.isOk()) << material.status().toString();
  EXPECT_EQ(material->leaf().uris().at(0), "spiffe://cluster.local/ns/payments/sa/a");
  EXPECT_TRUE(material->leaf().isSignedBy(ca_->certificate()));
  EXPECT_EQ(d.not_after, material->leaf().notAfter());
  EXPECT_EQ(d.next_check, fixedNow() + 16h);
  EXPECT_TRUE(d.observed.certificate_ok);
  EXPECT_EQ(d.status.certificate_not_after, pki::formatTime(*d.not_after));
}

// Renewed 1m before its end in a mesh whose kubelets take 2m to mount a Secret: sidecars
// would present an expired certificate for a minute at every renewal. Said on
// CertificateReady with the field and both values; the certificate is still issued.
TEST_F(BuildDesiredTest, ARenewalLeadShorterThanTheKubeletsDelayIsSaidAndTheCertificateStillIssued) {
  FakeView view;
  auto svc = service("a", {{"tls", {{"certificate", {{"duration", "1h"}, {"renewBefore", "1m"}}}}}});
  Desired d = build(svc, view);
  ASSERT_TRUE(d.secret);
  EXPECT_TRUE(d.issued);
  EXPECT_FALSE(d.observed.certificate_ok);
  const model::Condition& cond = conditionOf(d.status, "CertificateReady");
  EXPECT_EQ(cond.status, "False");
  EXPECT_EQ(cond.reason, "RenewalTooLate");
  EXPECT_EQ(cond.message,
            "spec.tls.certificate.renewBefore (1m0s) must be longer than the mesh's ca.secretPropagationDelay (2m0s): "
            "sidecars would present an expired certificate until the kubelet mounts the renewed one");
  // Without renewBefore the lead is a third of the duration: 5m gives 1m40s.
  auto short_default = service("b", {{"tls", {{"certificate", {{"duration", "5m"}}}}}});
  EXPECT_NE(certificateTimingProblem(short_default, mesh()).find("a third of spec.tls.certificate.duration (1m40s)"),
            std::string::npos);
  EXPECT_EQ(certificateTimingProblem(service("c", {{"tls", {{"certificate", {{"duration", "7m"}}}}}}), mesh()), "");
}

// A dependency with so many pods that the caller's EDS file alone passes 1 MiB even in binary (one
// cluster's endpoints cannot be split): the ConfigMap is not built (the API server would
// refuse it), ConfigReady says which file and how large, the ring is not reported as
// published, and the certificate is still issued.
TEST_F(BuildDesiredTest, AConfigMapOverTheSizeLimitIsNotBuiltAndTheCertificateStillIs) {
  FakeView view;
  std::vector<model::ServiceEndpoint> many;
  for (int i = 0; i < 24000; ++i)
    many.push_back(ep(
        "ledger-7d9f8b6c5-" + std::to_string(100000 + i),
        "10." + std::to_string(1 + i / 62500) + "." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250)));
  view.add(service("ledger"), many);
  auto payment = service("payment", {{"dependencies", {{{"name", "ledger"}}}}});
  Desired d = build(payment, view);
  EXPECT_FALSE(d.config_map);
  EXPECT_TRUE(d.config_hash.empty());
  EXPECT_FALSE(d.observed.config_ok);
  ASSERT_TRUE(d.secret) << "the certificate does not wait on the configuration";
  EXPECT_TRUE(d.issued);
  EXPECT_TRUE(d.observed.certificate_ok);
  const model::Condition& cond = conditionOf(d.status, "ConfigReady");
  EXPECT_EQ(cond.status, "False");
  EXPECT_EQ(cond.reason, "ConfigTooLarge");
  EXPECT_NE(cond.message.find("ConfigMap payments/payment-paymesh: eds-ledger.pb alone is "), std::string::npos)
      << cond.message;
  EXPECT_NE(cond.message.find("over Kubernetes' limit of 1,048,576 bytes for one ConfigMap"), std::string::npos)
      << cond.message;
  EXPECT_EQ(d.status.conditions.front().reason, "ConfigNotReady");
  // The ledger's own ConfigMap (its ring) fits: ring.json is left out past its own cap.
  Desired ledger = build(service("ledger"), view);
  EXPECT_TRUE(ledger.config_map);
}

// A caller of 20 consistent-hash dependencies of 500 pods each (2.2 MB of endpoint
// files): the endpoint files go to shards, every ConfigMap fits, each is owned and
// labelled like the first, and together they hold exactly the rendered configuration.
// The files a ConfigMap object holds: data as is, binaryData decoded.
std::map<std::string, std::string> filesOf(const nlohmann::ordered_json& cm) {
  std::map<std::string, std::string> files;
  for (const auto& [name, content] : cm["data"].items()) files[name] = content.get<std::string>();
  if (cm.contains("binaryData")) {
    for (const auto& [name, content] : cm["binaryData"].items()) {
      auto bytes = base64Decode(content.get<std::string>());
      EXPECT_TRUE(bytes.isOk()) << name;
      files[name] = bytes.isOk() ? *bytes : "";
    }
  }
  return files;
}

// A caller of 20 consistent-hash dependencies of 500 endpoints each and of one of 20,000:
// every object fits, the endpoint files move to shards (the largest in binary), and
// together the ConfigMaps hold the configuration exactly. The large dependency's own
// ConfigMap fits too.
TEST_F(BuildDesiredTest, AConfigurationOverOneConfigMapIsSplitIntoShardsThatEachFit) {
  FakeView view;
  Json deps = Json::array();
  auto endpoints = [](const std::string& name, int subnet, int count) {
    std::vector<model::ServiceEndpoint> eps;
    for (int i = 0; i < count; ++i)
      eps.push_back(ep(name + "-7d9f8b6c5d-" + std::to_string(10000 + i), "10." + std::to_string(subnet + i / 62500) +
                                                                              "." + std::to_string(i / 250 % 250) +
                                                                              "." + std::to_string(i % 250 + 1)));
    return eps;
  };
  for (int d = 0; d < 20; ++d) {
    std::string name = "ledger-" + std::to_string(d);
    view.add(service(name, {{"loadBalancing", {{"policy", "ConsistentHash"}}}}), endpoints(name, d, 500));
    deps.push_back({{"name", name}});
  }
  auto clearing = service("clearing", {{"loadBalancing", {{"policy", "ConsistentHash"}}}});
  view.add(clearing, endpoints("clearing", 1, 20000));
  deps.push_back({{"name", "clearing"}});
  Desired d = build(service("payment", {{"dependencies", deps}}), view);
  ASSERT_TRUE(d.config_map) << d.observed.config_error;
  EXPECT_TRUE(d.observed.config_ok);
  ASSERT_EQ(d.config_shards.size(), static_cast<size_t>(policy::kConfigShards));
  std::map<std::string, std::string> all;
  auto collect = [&](const nlohmann::ordered_json& cm) {
    size_t bytes = 0;
    for (const auto& [name, content] : filesOf(cm)) {
      bytes += content.size();
      EXPECT_TRUE(all.emplace(name, content).second) << name << " in two ConfigMaps";
    }
    EXPECT_LE(bytes, kMaxConfigMapDataBytes) << cm["metadata"]["name"];
  };
  collect(*d.config_map);
  EXPECT_FALSE((*d.config_map)["data"].contains("eds-ledger-0.json"));
  EXPECT_EQ(d.config_map_data_hash, configMapFilesHash(Json(*d.config_map)));
  int in_use = 0;
  for (size_t n = 0; n < d.config_shards.size(); ++n) {
    const auto& shard = d.config_shards[n];
    if (!shard.config_map) continue;
    ++in_use;
    const auto& meta = (*shard.config_map)["metadata"];
    EXPECT_EQ(meta["name"], "payment-paymesh-eds-" + std::to_string(n));
    EXPECT_EQ(meta["labels"], (*d.config_map)["metadata"]["labels"]);
    EXPECT_EQ(meta["ownerReferences"], (*d.config_map)["metadata"]["ownerReferences"]);
    EXPECT_FALSE(meta.contains("annotations")) << "a change elsewhere does not rewrite a shard";
    EXPECT_EQ(shard.data_hash, configMapFilesHash(Json(*shard.config_map)));
    collect(*shard.config_map);
  }
  EXPECT_GE(in_use, 3);
  for (int dep = 0; dep < 20; ++dep) EXPECT_TRUE(all.count("eds-ledger-" + std::to_string(dep) + ".json")) << dep;
  EXPECT_TRUE(all.count("eds-clearing.pb")) << "20,000 endpoints as JSON would not fit one ConfigMap";
  EXPECT_EQ(policy::configHash(all), d.config_hash) << "the shards and the first hold the whole configuration";
  EXPECT_EQ((*d.config_map)["metadata"]["annotations"]["paymesh.io/config-hash"], d.config_hash);

  Desired own = build(clearing, view);
  ASSERT_TRUE(own.config_map) << own.observed.config_error;
  size_t own_bytes = 0;
  for (const auto& [name, content] : filesOf(*own.config_map)) own_bytes += content.size();
  EXPECT_LE(own_bytes, kMaxConfigMapDataBytes);
}

TEST_F(BuildDesiredTest, KeepsAFreshCertificateAndRewritesOnlyTheBundleWhenItChanges) {
  FakeView view;
  auto svc = service("a");
  Json secret = *build(svc, view).secret;
  Desired kept = build(svc, view, &secret, fixedNow() + 1h);
  EXPECT_FALSE(kept.secret) << kept.secret_reason;
  EXPECT_TRUE(kept.next_check);
  // Another CA trusted too (a rotation staged): same certificate and key, new ca.crt.
  auto other = pki::CertificateAuthority::create({}, fixedNow() - 1h);
  ASSERT_TRUE(other.isOk());
  bundle_.add(other->certificate());
  Desired updated = build(svc, view, &secret, fixedNow() + 1h);
  ASSERT_TRUE(updated.secret);
  EXPECT_FALSE(updated.issued);
  EXPECT_EQ(updated.secret_reason, "trust bundle changed");
  EXPECT_EQ((*updated.secret)["data"]["tls.crt"], secret["data"]["tls.crt"]);
  EXPECT_EQ((*updated.secret)["data"]["tls.key"], secret["data"]["tls.key"]);
  EXPECT_EQ(pki::readTlsSecret(*updated.secret)->bundle.toPem(), bundle_.toPem());
}

TEST_F(BuildDesiredTest, AnOrphanedSecretGetsItsOwnerBackAroundTheSameKey) {
  FakeView view;
  auto svc = service("a");
  Json secret = *build(svc, view).secret;
  secret["metadata"].erase("ownerReferences");
  secret["metadata"]["labels"]["team"] = "core";
  Desired d = build(svc, view, &secret, fixedNow() + 1h);
  ASSERT_TRUE(d.secret);
  EXPECT_EQ(d.secret_reason, "metadata");
  EXPECT_EQ((*d.secret)["metadata"]["ownerReferences"], Json(childMetadata(svc, "x"))["ownerReferences"]);
  EXPECT_EQ((*d.secret)["metadata"]["labels"]["team"], "core") << "others' labels are kept";
  EXPECT_EQ((*d.secret)["data"]["tls.key"], secret["data"]["tls.key"]);
}

TEST_F(BuildDesiredTest, WithoutASignerOnlyTheConfigMap) {
  FakeView view;
  Desired d = buildDesired({service("a"), view, mesh()});
  EXPECT_TRUE(d.config_map);
  EXPECT_FALSE(d.secret);
  EXPECT_FALSE(d.next_check);
}

TEST_F(BuildDesiredTest, AnInvalidSpecWritesNoChildAndSaysWhy) {
  Desired d = buildDesiredForInvalidSpec(4, "spec.ports: required", fixedNow());
  EXPECT_FALSE(d.config_map);
  EXPECT_FALSE(d.secret);
  EXPECT_EQ(d.status.observed_generation, 4);
  for (const auto& c : d.status.conditions) {
    if (c.type == kConfigReady) {
      EXPECT_EQ(c.message, "invalid spec: spec.ports: required");
    }
    if (c.type == kReady) {
      EXPECT_EQ(c.status, "False");
    }
  }
}

// What the files give and what a view that holds every service of the namespace gives
// are the same bytes: the inputs are what the config reads, not how they were found.
TEST_F(BuildDesiredTest, NamespaceViewOfTheExamplesIsByteStable) {
  auto in = policy::testing::exampleInputs();
  const auto& space = in.namespaces.at("payments");
  NamespaceView files(space);
  FakeView view;
  for (const auto& [name, svc] : space.services) {
    auto it = space.endpoints.find(name);
    view.add(svc, it == space.endpoints.end() ? std::vector<model::ServiceEndpoint>{} : it->second);
  }
  for (const auto& [name, cm] : space.config_maps) view.addKeys(model::JwksSourceKind::kConfigMap, name, cm);
  for (const auto& [name, svc] : space.services) {
    auto a = buildDesired({svc, files, mesh()});
    auto b = buildDesired({svc, view, mesh()});
    ASSERT_TRUE(a.config_map && b.config_map) << name;
    EXPECT_EQ(yaml::toYaml(*a.config_map), yaml::toYaml(*b.config_map)) << name;
  }
}

}  // namespace
}  // namespace paymesh::ctrl
