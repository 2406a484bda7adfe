#include "operator/controller/cache_view.h"

#include <gtest/gtest.h>

#include "model/manifest.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctrl {
namespace {

// The operator reads a service's endpoints from its labelled pods in the cache;
// `paymeshctl render` from the manifests by selector. For pods the webhook labelled (as
// the examples are), both give the same endpoints, so the same configuration.
TEST(CacheViewTest, SameEndpointsAsTheFilesForTheExamples) {
  std::vector<model::Manifest> all;
  for (const char* p : {PAYMESH_SOURCE_DIR "/examples/payments", PAYMESH_SOURCE_DIR "/examples/endpoints"}) {
    auto ms = model::readManifests(p);
    ASSERT_TRUE(ms.isOk());
    for (auto& m : *ms) all.push_back(std::move(m));
  }
  kube::Store services, pods(kube::trimPod), jwks_config_maps, jwks_secrets;
  for (const auto& m : all) {
    if (m.kind() == "Pod") pods.upsert(m.doc.value);
    if (m.kind() == "ConfigMap") jwks_config_maps.upsert(m.doc.value);
    if (m.kind() == "PaymentService") services.upsert(m.doc.value);
  }
  ServiceCache parsed(services);
  auto in = policy::collectInputs(all);
  const auto& space = in.namespaces.at("payments");
  NamespaceView files(space);
  CacheView cache(parsed, pods, jwks_config_maps, jwks_secrets, "payments");
  for (const auto& [name, svc] : space.services) {
    ASSERT_NE(cache.find(name), nullptr) << name;
    EXPECT_EQ(cache.endpoints(svc), files.endpoints(svc)) << name;
    if (!svc.spec.jwt) continue;
    for (const auto& p : svc.spec.jwt->providers) {
      const auto* cached = cache.jwksObject(p.jwks.kind, p.jwks.name);
      ASSERT_NE(cached, nullptr) << name << " " << p.name;
      EXPECT_EQ(*cached, *files.jwksObject(p.jwks.kind, p.jwks.name));
    }
  }
  EXPECT_EQ(cache.jwksObject(model::JwksSourceKind::kSecret, "payment-idp-jwks"), nullptr);
  EXPECT_EQ(cache.find("absent"), nullptr);
}

}  // namespace
}  // namespace paymesh::ctrl
