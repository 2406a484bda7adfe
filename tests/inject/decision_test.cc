#include "inject/decision.h"

#include <gtest/gtest.h>

#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using testing::service;

PodFacts pod(Labels labels, Labels annotations = {}, bool host_network = false, std::string sa = "settlement") {
  PodFacts f;
  f.labels = std::move(labels);
  f.annotations = std::move(annotations);
  f.host_network = host_network;
  f.service_account = std::move(sa);
  f.display_name = "settlement-7d9f8-*";
  return f;
}

class DecisionTest : public ::testing::Test {
protected:
  model::MeshConfig mesh_ = testing::defaultMesh();
  std::vector<ServiceEntry> services_ = {service("settlement"), service("clearing")};
};

TEST_F(DecisionTest, InjectsThePodOfExactlyOneService) {
  Decision d = decide("payments", pod({{"app", "settlement"}}), services_, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kInject);
  ASSERT_NE(d.service, nullptr);
  EXPECT_EQ(d.service->name, "settlement");
  EXPECT_TRUE(d.warnings.empty());
}

TEST_F(DecisionTest, NeverInjectedNamespacesAreSkippedWithAWarning) {
  for (const char* ns : {"kube-system", "kube-public", "paymesh-system"}) {
    Decision d = decide(ns, pod({{"app", "settlement"}}), services_, mesh_);
    EXPECT_EQ(d.verdict, Verdict::kSkip) << ns;
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0], std::string("paymesh: not injected: namespace \"") + ns + "\" is never injected");
  }
  model::MeshConfig moved = testing::mesh(R"({"webhook": {"namespace": "mesh"}})");
  EXPECT_EQ(decide("mesh", pod({{"app", "settlement"}}), services_, moved).verdict, Verdict::kSkip);
  EXPECT_EQ(decide("paymesh-system", pod({{"app", "settlement"}}), services_, moved).verdict, Verdict::kInject)
      << "paymesh-system is an ordinary namespace once the mesh lives elsewhere";
}

TEST_F(DecisionTest, OptOutAnnotation) {
  for (const char* v : {"false", "False", "FALSE", "0", "f", "F"}) {
    Decision d = decide("payments", pod({{"app", "nothing-selects-me"}}, {{"paymesh.io/inject", v}}), services_, mesh_);
    EXPECT_EQ(d.verdict, Verdict::kSkip) << v;
    EXPECT_TRUE(d.warnings.empty()) << "an opt-out is the user's choice, not worth a warning";
    EXPECT_EQ(d.reason, "the pod opts out with paymesh.io/inject: \"false\"");
  }
  EXPECT_EQ(decide("payments", pod({{"app", "settlement"}}, {{"paymesh.io/inject", "true"}}), services_, mesh_).verdict,
            Verdict::kInject);
  Decision bad = decide("payments", pod({{"app", "settlement"}}, {{"paymesh.io/inject", "no"}}), services_, mesh_);
  EXPECT_EQ(bad.verdict, Verdict::kRefuse);
  EXPECT_EQ(bad.reason,
            "annotation paymesh.io/inject of pod settlement-7d9f8-* in namespace \"payments\" (labels: app=settlement) "
            "must be \"true\" or \"false\", got \"no\"");
  model::MeshConfig other = testing::mesh(R"({"injection": {"podAnnotation": "example.com/mesh"}})");
  EXPECT_EQ(decide("payments", pod({{"app", "settlement"}}, {{"example.com/mesh", "false"}}), services_, other).verdict,
            Verdict::kSkip);
}

TEST_F(DecisionTest, HostNetworkPodsAreSkippedWithAWarning) {
  Decision d = decide("payments", pod({{"app", "settlement"}}, {}, true), services_, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kSkip);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "paymesh: not injected: pod settlement-7d9f8-* uses the host's network (spec.hostNetwork), which a "
            "sidecar would share");
}

TEST_F(DecisionTest, NoServiceRefusesByDefault) {
  Decision d = decide("payments", pod({{"app", "orphan"}, {"tier", "web"}}), services_, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kRefuse);
  EXPECT_EQ(d.reason,
            "no PaymentService selects pod settlement-7d9f8-* in namespace \"payments\" (labels: app=orphan, "
            "tier=web): a pod that asked for the mesh does not run without it; create a PaymentService whose "
            "spec.selector.matchLabels the pod carries, or opt the pod out with the annotation paymesh.io/inject: "
            "\"false\"");
  Decision none = decide("payments", pod({}), {}, mesh_);
  EXPECT_NE(none.reason.find("(labels: (no labels))"), std::string::npos) << none.reason;
}

TEST_F(DecisionTest, NoServiceAdmitsWhenTheMeshSaysSo) {
  model::MeshConfig admit = testing::mesh(R"({"injection": {"unselectedPods": "Admit"}})");
  Decision d = decide("payments", pod({{"app", "orphan"}}), services_, admit);
  EXPECT_EQ(d.verdict, Verdict::kSkip);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "paymesh: not injected: no PaymentService selects pod settlement-7d9f8-* in namespace \"payments\" "
            "(labels: app=orphan)");
}

TEST_F(DecisionTest, MoreThanOneServiceRefusesNamingThemAll) {
  std::vector<ServiceEntry> overlapping = {service("ledger", {}, "shared"), service("clearing", {}, "shared"),
                                           service("settlement")};
  Decision d = decide("payments", pod({{"app", "shared"}}), overlapping, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kRefuse);
  EXPECT_EQ(d.reason,
            "PaymentServices ledger, clearing all select pod settlement-7d9f8-* in namespace \"payments\" (labels: "
            "app=shared): a pod belongs to exactly one service; narrow their spec.selector.matchLabels");
}

TEST_F(DecisionTest, AnInvalidSelectingServiceRefusesWithItsErrors) {
  ServiceEntry broken = service("settlement");
  broken.service = nullptr;
  broken.error = "spec.ports[0].port: must be at most 65535, got 70000";
  Decision d = decide("payments", pod({{"app", "settlement"}}), {broken}, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kRefuse);
  EXPECT_EQ(d.reason,
            "PaymentService settlement selects pod settlement-7d9f8-* in namespace \"payments\" (labels: "
            "app=settlement) but is invalid: spec.ports[0].port: must be at most 65535, got 70000");
}

TEST_F(DecisionTest, ServiceAccountOtherThanTheIdentityWarns) {
  Decision d = decide("payments", pod({{"app", "settlement"}}, {}, false, "default"), services_, mesh_);
  EXPECT_EQ(d.verdict, Verdict::kInject);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "paymesh: pod runs as service account \"default\" but PaymentService settlement has the identity "
            "\"settlement\": its sidecar's certificate names spiffe://cluster.local/ns/payments/sa/settlement; set "
            "spec.serviceAccountName: settlement");
}

TEST(VerdictTest, Names) {
  EXPECT_STREQ(verdictName(Verdict::kInject), "inject");
  EXPECT_STREQ(verdictName(Verdict::kSkip), "skip");
  EXPECT_STREQ(verdictName(Verdict::kRefuse), "refuse");
}

}  // namespace
}  // namespace paymesh::inject
