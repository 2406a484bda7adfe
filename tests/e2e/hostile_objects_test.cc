// End-to-end: watched objects with wrongly typed fields (the emulator stores them, as an
// API server does for anything it does not check) neither crash the operator nor stop it
// from reconciling the other services, also when it starts with them already there.

#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

ControllerOptions fastOptions() {
  ControllerOptions o;
  o.workers = 2;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  return o;
}

Json settlementPod(const std::string& name, const std::string& ip) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "payments"},
            {"labels", {{"app", "settlement"}, {"paymesh.io/service", "settlement"}}}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example.com/payments/settlement:1"}}}}}},
          {"status", {{"phase", "Running"}, {"podIP", ip}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

// A settlement Pod whose status fields have the wrong types (a Ready status that is a
// number, an IP that is a number, a condition that is a string).
Json hostilePod() {
  Json pod = settlementPod("settlement-hostile", "");
  pod["status"] = {{"phase", 1}, {"podIP", 10}, {"conditions", {{{"type", "Ready"}, {"status", 1}}, "Ready"}}};
  return pod;
}

class HostileObjectsTest : public OperatorTest {
protected:
  void expectConverged(const std::map<std::string, Expected>& want) {
    std::string diff;
    EXPECT_TRUE(waitFor([&] { return (diff = configMapsDiffer(want)).empty(); })) << diff;
    EXPECT_TRUE(waitFor([&] { return allReady(); }));
  }
};

TEST_F(HostileObjectsTest, AWronglyTypedPodIsIgnoredAndOtherServicesStillReconcile) {
  applyServices();
  applyPods();
  startOperator(fastOptions());
  expectConverged(expectedConfigs());
  ::testing::internal::CaptureStderr();
  createPod(hostilePod());
  // The operator lives on and follows a real change to the same service.
  Json extra = settlementPod("settlement-7d9f8-dx3q", "10.8.0.99");
  createPod(extra);
  auto after = expectedConfigs({extra});
  expectConverged(after);
  // Restarted with the Pod already there (its first list holds it): no crash loop.
  stopOperator();
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("status.conditions[0].status"), std::string::npos) << log;
  EXPECT_NE(log.find("payments/settlement-hostile"), std::string::npos) << log;
  ASSERT_TRUE(client_->remove(res::kPods, "payments", "settlement-7d9f8-dx3q").isOk());
  startOperator(fastOptions());
  expectConverged(expectedConfigs());
  EXPECT_TRUE(controller_->synced());
}

}  // namespace
}  // namespace paymesh::ctrl::testing
