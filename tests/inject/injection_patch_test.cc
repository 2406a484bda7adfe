#include "inject/injection_patch.h"

#include <gtest/gtest.h>

#include "golden_cases.h"
#include "inject/admit.h"
#include "inject/inject.h"
#include "inject/strip.h"
#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

class InjectionPatchTest : public ::testing::Test {
protected:
  json patch(const json& pod, const char* mesh = "{}") {
    return injectionPatch(pod, *payment_.service, testing::mesh(mesh));
  }
  // The pod injected the long way: a copy stripped (a no-op here), then the diff.
  json slowPatch(const json& pod, const char* mesh = "{}") {
    auto injected = injectPod(pod, *payment_.service, testing::mesh(mesh));
    EXPECT_TRUE(injected.isOk()) << injected.status().toString();
    return jsonPatch(pod, *injected);
  }

  ServiceEntry payment_ = testing::service("payment", {"settlement", "clearing"});
  json pod_ = testing::replicaSetPod("payment");
};

TEST_F(InjectionPatchTest, OnlyAddsAndGivesTheInjectedPod) {
  for (const char* mesh : {"{}", R"({"sidecar": {"mode": "Classic"}})"}) {
    json p = patch(pod_, mesh);
    for (const auto& op : p) EXPECT_EQ(op["op"], "add") << op.dump();
    EXPECT_EQ(pod_.patch(p), pod_.patch(slowPatch(pod_, mesh))) << mesh;
  }
}

TEST_F(InjectionPatchTest, EnvOfInitContainersNamesTheirPositionsBeforeTheSidecarGoesFirst) {
  pod_["spec"]["initContainers"] = {{{"name", "migrate"}, {"image", "m:1"}}, {{"name", "seed"}, {"image", "s:1"}}};
  json p = patch(pod_);
  EXPECT_EQ(p[1]["path"], "/spec/initContainers/0/env");
  EXPECT_EQ(p[2]["path"], "/spec/initContainers/1/env");
  EXPECT_EQ(p[3]["path"], "/spec/initContainers/0");
  json out = pod_.patch(p);
  EXPECT_EQ(out["spec"]["initContainers"][0]["name"], "paymesh-proxy");
  EXPECT_EQ(out["spec"]["initContainers"][1]["env"].size(), 2u);
  EXPECT_EQ(out["spec"]["initContainers"][2]["env"].size(), 2u);
  EXPECT_EQ(out, *injectPod(pod_, *payment_.service, testing::defaultMesh()));
}

TEST_F(InjectionPatchTest, ExistingListsAndMapsAreAppendedToNotReplaced) {
  pod_["spec"]["volumes"] = {{{"name", "data"}, {"emptyDir", json::object()}}};
  pod_["spec"]["containers"][0]["env"] = {{{"name", "LOG"}, {"value", "debug"}}};
  pod_["spec"]["securityContext"] = {{"runAsNonRoot", true}};
  pod_["metadata"]["annotations"] = {{"team", "core"}};
  json p = patch(pod_);
  std::vector<std::string> paths;
  for (const auto& op : p) paths.push_back(op["path"]);
  EXPECT_EQ(paths, (std::vector<std::string>{"/spec/containers/0/env/-", "/spec/containers/0/env/-",
                                             "/spec/initContainers", "/spec/volumes/-", "/spec/volumes/-",
                                             "/spec/securityContext/fsGroup", "/metadata/labels/paymesh.io~1service",
                                             "/metadata/annotations/paymesh.io~1injected"}));
  EXPECT_EQ(pod_.patch(p), pod_.patch(slowPatch(pod_)));
}

TEST_F(InjectionPatchTest, AbsentOrNullParentsAreAddedWhole) {
  json pod = {{"spec", {{"containers", {{{"name", "app"}, {"env", nullptr}}}}, {"volumes", nullptr}}}};
  json p = patch(pod, R"({"sidecar": {"mode": "Classic"}})");
  json out = pod.patch(p);
  EXPECT_EQ(out["spec"]["containers"][0]["env"].size(), 2u);
  EXPECT_EQ(out["spec"]["volumes"].size(), 2u);
  EXPECT_EQ(out["metadata"]["labels"]["paymesh.io/service"], "payment");
  EXPECT_TRUE(out["metadata"]["annotations"].contains("paymesh.io/injected"));
  EXPECT_EQ(p.back()["path"], "/metadata");
}

TEST_F(InjectionPatchTest, EmptyListsItDoesNotNeedAreLeftAlone) {
  pod_["spec"]["initContainers"] = json::array();
  pod_["metadata"]["annotations"] = json::object();
  ServiceEntry alone = testing::service("payment");
  pod_["spec"]["containers"][0]["env"] = json::array();
  json out = pod_.patch(injectionPatch(pod_, *alone.service, testing::mesh(R"({"sidecar": {"mode": "Classic"}})")));
  EXPECT_EQ(out["spec"]["initContainers"], json::array());
  EXPECT_EQ(out["spec"]["containers"][0]["env"], json::array()) << "no dependency, no env written";
}

// The patch's metadata paths are built with json_pointer, relying on its RFC 6901 escaping.
TEST(PointerTest, EscapesPerRfc6901) {
  EXPECT_EQ((json::json_pointer("/metadata") / "labels" / "example.com/x~y").to_string(),
            "/metadata/labels/example.com~1x~0y");
  EXPECT_EQ(json::json_pointer().to_string(), "");
  EXPECT_EQ((json::json_pointer() / "").to_string(), "/");
}

// carriesInjection is what lets a review skip the copy and the diff: it must be false only
// where stripping changes nothing.
TEST(CarriesInjectionTest, FalseOnlyWhereStrippingChangesNothing) {
  for (const auto& c : testing::goldenCases()) {
    if (!c.pod.contains("spec")) continue;
    if (!carriesInjection(c.pod)) {
      EXPECT_EQ(stripInjection(c.pod), c.pod) << c.name;
    }
  }
  json pod = testing::replicaSetPod("payment");
  EXPECT_FALSE(carriesInjection(pod));
  EXPECT_FALSE(carriesInjection(json::array()));
  json with_sidecar = pod, with_volume = pod, with_record = pod, classic = pod;
  with_sidecar["spec"]["initContainers"] = {{{"name", "paymesh-proxy"}}};
  classic["spec"]["containers"].push_back({{"name", "paymesh-proxy"}});
  with_volume["spec"]["volumes"] = {{{"name", "data"}}, {{"name", "paymesh-config"}}};
  with_record["metadata"]["annotations"] = {{"paymesh.io/injected", "{}"}};
  for (const json& p : {with_sidecar, with_volume, with_record, classic}) {
    EXPECT_TRUE(carriesInjection(p)) << p.dump();
    EXPECT_NE(stripInjection(p), p) << p.dump();
  }
}

}  // namespace
}  // namespace paymesh::inject
