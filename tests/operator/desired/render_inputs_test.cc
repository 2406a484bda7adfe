#include "operator/desired/render_inputs.h"

#include <gtest/gtest.h>

#include "model/manifest.h"
#include "operator/test_util.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctrl {
namespace {

using testing::pod;
using testing::service;

TEST(RenderInputsTest, EndpointServicesAreSelfDependenciesAndTheirFallbacks) {
  auto payment = service("payment", {{"dependencies", {{{"name", "settlement"}}, {{"name", "missing"}}}}});
  auto settlement = service("settlement", {{"resilience", {{"fallback", {{"service", "standby"}}}}}});
  auto standby = service("standby");
  std::map<std::string, const model::PaymentService*> services = {
      {"payment", &payment}, {"settlement", &settlement}, {"standby", &standby}};
  EXPECT_EQ(endpointServices(payment, services), (std::vector<std::string>{"payment", "settlement", "standby"}));
}

TEST(RenderInputsTest, PodsMatchBySelectorInTheServiceNamespace) {
  auto svc = service("settlement");
  auto a = pod("payments", "s-a", "settlement", "10.0.0.1", true);
  auto b = pod("payments", "s-b", "settlement", "10.0.0.2", false);
  auto other_ns = pod("elsewhere", "s-c", "settlement", "10.0.0.3", true);
  auto other_app = pod("payments", "p-a", "payment", "10.0.0.4", true);
  auto pending = pod("payments", "s-d", "settlement", "", false);
  pending["status"].erase("podIP");
  auto bad = pod("payments", "s-e", "settlement", "10.0.0.5", true);
  bad["metadata"]["annotations"] = {{"paymesh.io/weight", "heavy"}};
  auto eps = endpointsFromPods(svc, {&a, &b, &other_ns, &other_app, &pending, &bad});
  ASSERT_EQ(eps.endpoints.size(), 2u);
  EXPECT_EQ(eps.endpoints[0].pod_name, "s-a");
  EXPECT_TRUE(eps.endpoints[0].ready);
  EXPECT_FALSE(eps.endpoints[1].ready) << "kept; readiness is filtered by the renderer";
  ASSERT_EQ(eps.errors.size(), 1u);
  EXPECT_NE(eps.errors[0].find("payments/s-e"), std::string::npos);
}

TEST(RenderInputsTest, SameEndpointsAsCollectInputsForTheExamples) {
  std::vector<model::Manifest> all;
  for (const char* p : {PAYMESH_SOURCE_DIR "/examples/payments", PAYMESH_SOURCE_DIR "/examples/endpoints"}) {
    auto ms = model::readManifests(p);
    ASSERT_TRUE(ms.isOk());
    for (auto& m : *ms) all.push_back(std::move(m));
  }
  auto in = policy::collectInputs(all);
  std::vector<const nlohmann::json*> pods;
  for (const auto& m : all)
    if (m.kind() == "Pod") pods.push_back(&m.doc.value);
  for (const auto& [ns, space] : in.namespaces) {
    for (const auto& [name, svc] : space.services) {
      auto got = endpointsFromPods(svc, pods);
      auto it = space.endpoints.find(name);
      std::vector<model::ServiceEndpoint> want =
          it == space.endpoints.end() ? std::vector<model::ServiceEndpoint>{} : it->second;
      EXPECT_EQ(got.endpoints, want) << name;
    }
  }
}

}  // namespace
}  // namespace paymesh::ctrl
