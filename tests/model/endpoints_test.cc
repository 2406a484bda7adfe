#include "model/endpoints.h"

#include <gtest/gtest.h>

#include "test_objects.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

json pod(const std::string& ns, const std::string& name, const std::string& app, const std::string& ip, bool ready) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", app}}}}},
          {"status", {{"podIP", ip}, {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

PaymentService settlement() {
  auto r = parsePaymentService(testing::validPaymentService());
  EXPECT_TRUE(r.object) << toString(r.errors.at(0));
  return *r.object;
}

TEST(EndpointsTest, PodEndpointIsItsIpReadinessNameAndWeight) {
  auto p = pod("payments", "s-a", "settlement", "10.0.0.1", true);
  p["metadata"]["annotations"] = {{"paymesh.io/weight", "3"}};
  auto ep = endpointFromPod(p);
  ASSERT_TRUE(ep.isOk() && ep->has_value());
  EXPECT_EQ(**ep, (ServiceEndpoint{"s-a", "10.0.0.1", 3, true}));
  p["status"].erase("podIP");
  EXPECT_FALSE(endpointFromPod(p)->has_value()) << "pending: no endpoint yet";
}

TEST(EndpointsTest, PodsMatchBySelectorInTheServiceNamespace) {
  auto svc = settlement();
  auto a = pod("payments", "s-a", "settlement", "10.0.0.1", true);
  auto b = pod("payments", "s-b", "settlement", "10.0.0.2", false);
  auto other_ns = pod("elsewhere", "s-c", "settlement", "10.0.0.3", true);
  auto other_app = pod("payments", "p-a", "payment", "10.0.0.4", true);
  auto pending = pod("payments", "s-d", "settlement", "", false);
  pending["status"].erase("podIP");
  auto bad = pod("payments", "s-e", "settlement", "10.0.0.5", true);
  bad["metadata"]["annotations"] = {{"paymesh.io/weight", "heavy"}};
  EXPECT_TRUE(selectsPod(svc, a));
  EXPECT_FALSE(selectsPod(svc, other_ns));
  EXPECT_FALSE(selectsPod(svc, other_app));
  auto eps = endpointsFromPods(svc, {&a, &b, &other_ns, &other_app, &pending, &bad});
  ASSERT_EQ(eps.endpoints.size(), 2u);
  EXPECT_EQ(eps.endpoints[0].pod_name, "s-a");
  EXPECT_TRUE(eps.endpoints[0].ready);
  EXPECT_FALSE(eps.endpoints[1].ready) << "kept; readiness is filtered by the renderer";
  ASSERT_EQ(eps.errors.size(), 1u);
  EXPECT_NE(eps.errors[0].find("pod payments/s-e"), std::string::npos) << eps.errors[0];
}

TEST(EndpointsTest, APodWithoutNamespaceIsInDefault) {
  auto v = testing::validPaymentService();
  v["metadata"]["namespace"] = "default";
  auto svc = *parsePaymentService(v).object;
  auto p = pod("", "s-a", "settlement", "10.0.0.1", true);
  p["metadata"].erase("namespace");
  EXPECT_TRUE(selectsPod(svc, p));
}

}  // namespace
}  // namespace paymesh::model
