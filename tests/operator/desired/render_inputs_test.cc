#include "operator/desired/render_inputs.h"

#include <gtest/gtest.h>

#include "model/manifest.h"
#include "operator/test_util.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctrl {
namespace {

using testing::service;

TEST(RenderInputsTest, EndpointServicesAreSelfDependenciesAndTheirFallbacks) {
  auto payment = service("payment", {{"dependencies", {{{"name", "settlement"}}, {{"name", "missing"}}}}});
  auto settlement = service("settlement", {{"resilience", {{"fallback", {{"service", "standby"}}}}}});
  auto standby = service("standby");
  std::map<std::string, const model::PaymentService*> services = {
      {"payment", &payment}, {"settlement", &settlement}, {"standby", &standby}};
  EXPECT_EQ(endpointServices(payment, services), (std::vector<std::string>{"payment", "settlement", "standby"}));
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
      auto got = model::endpointsFromPods(svc, pods);
      auto it = space.endpoints.find(name);
      std::vector<model::ServiceEndpoint> want =
          it == space.endpoints.end() ? std::vector<model::ServiceEndpoint>{} : it->second;
      EXPECT_EQ(got.endpoints, want) << name;
    }
  }
}

}  // namespace
}  // namespace paymesh::ctrl
