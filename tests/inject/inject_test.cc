#include "inject/inject.h"

#include <gtest/gtest.h>

#include "inject/names.h"
#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

class InjectTest : public ::testing::Test {
protected:
  json inject(const json& pod, const char* mesh = "{}") {
    auto r = injectPod(pod, *payment_.service, testing::mesh(mesh));
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r.isOk() ? *r : json();
  }
  static json record(const json& pod) {
    return json::parse(pod["metadata"]["annotations"][kInjectedAnnotation].get<std::string>());
  }

  ServiceEntry payment_ = testing::service("payment", {"settlement", "clearing"});
  json pod_ = testing::replicaSetPod("payment");
};

TEST_F(InjectTest, NativeSidecarGoesFirstAmongTheInitContainers) {
  pod_["spec"]["initContainers"] = {{{"name", "migrate"}, {"image", "migrate:1"}}};
  json out = inject(pod_);
  ASSERT_EQ(out["spec"]["initContainers"].size(), 2u);
  EXPECT_EQ(out["spec"]["initContainers"][0]["name"], kProxyContainer);
  EXPECT_EQ(out["spec"]["initContainers"][1]["name"], "migrate");
  EXPECT_EQ(out["spec"]["containers"].size(), 1u);
  // Init containers start after a native sidecar, so they reach dependencies too.
  EXPECT_EQ(out["spec"]["initContainers"][1]["env"].size(), 2u);
}

TEST_F(InjectTest, ClassicSidecarGoesLastAmongTheContainers) {
  pod_["spec"]["initContainers"] = {{{"name", "migrate"}, {"image", "migrate:1"}}};
  json out = inject(pod_, R"({"sidecar": {"mode": "Classic"}})");
  ASSERT_EQ(out["spec"]["containers"].size(), 2u);
  EXPECT_EQ(out["spec"]["containers"][0]["name"], "app") << "the app stays kubectl's default container";
  EXPECT_EQ(out["spec"]["containers"][1]["name"], kProxyContainer);
  EXPECT_FALSE(out["spec"]["initContainers"][0].contains("env")) << "classic: init containers run before Envoy";
}

TEST_F(InjectTest, VolumesLabelAndAnnotation) {
  json out = inject(pod_);
  EXPECT_EQ(out["spec"]["volumes"][0]["name"], kConfigVolume);
  EXPECT_EQ(out["spec"]["volumes"][1]["name"], kTlsVolume);
  EXPECT_EQ(out["metadata"]["labels"]["paymesh.io/service"], "payment");
  EXPECT_EQ(out["metadata"]["labels"]["app"], "payment");
  json rec = record(out);
  EXPECT_EQ(rec["version"], injectorVersion());
  EXPECT_EQ(rec["image"], "envoyproxy/envoy:v1.31.2");
  EXPECT_EQ(rec["mode"], "Native");
  EXPECT_EQ(rec["configHash"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_EQ(rec["env"], json::parse(R"({"app": ["PAYMESH_SETTLEMENT_ADDR", "PAYMESH_CLEARING_ADDR"]})"));
  EXPECT_EQ(rec["fsGroup"], true);
  EXPECT_EQ(out["spec"]["securityContext"]["fsGroup"], 1337);
}

TEST_F(InjectTest, DependencyEnvNeverClobbersTheUsers) {
  pod_["spec"]["containers"][0]["env"] = {{{"name", "PAYMESH_CLEARING_ADDR"}, {"value", "clearing.other:443"}},
                                          {{"name", "LOG"}, {"value", "debug"}}};
  pod_["spec"]["containers"].push_back({{"name", "worker"}, {"image", "w:1"}});
  json out = inject(pod_);
  EXPECT_EQ(out["spec"]["containers"][0]["env"], json::parse(R"([
    {"name": "PAYMESH_CLEARING_ADDR", "value": "clearing.other:443"}, {"name": "LOG", "value": "debug"},
    {"name": "PAYMESH_SETTLEMENT_ADDR", "value": "127.0.0.1:15100"}])"));
  EXPECT_EQ(out["spec"]["containers"][1]["env"], json::parse(R"([
    {"name": "PAYMESH_SETTLEMENT_ADDR", "value": "127.0.0.1:15100"},
    {"name": "PAYMESH_CLEARING_ADDR", "value": "127.0.0.1:15101"}])"));
  EXPECT_EQ(record(out)["env"], json::parse(R"({"app": ["PAYMESH_SETTLEMENT_ADDR"],
                            "worker": ["PAYMESH_SETTLEMENT_ADDR", "PAYMESH_CLEARING_ADDR"]})"));
}

TEST_F(InjectTest, AnFsGroupOfThePodIsKept) {
  pod_["spec"]["securityContext"] = {{"fsGroup", 2000}, {"runAsNonRoot", true}};
  json out = inject(pod_);
  EXPECT_EQ(out["spec"]["securityContext"]["fsGroup"], 2000);
  EXPECT_FALSE(record(out).contains("fsGroup"));
}

TEST_F(InjectTest, Idempotent) {
  for (const char* mesh : {"{}", R"({"sidecar": {"mode": "Classic"}})"}) {
    json once = inject(pod_, mesh);
    json twice = inject(once, mesh);
    EXPECT_EQ(twice, once) << mesh;
    EXPECT_EQ(jsonPatch(once, twice), json::array());
  }
}

TEST_F(InjectTest, ReinjectionFollowsAChangedServiceAndMeshConfig) {
  json old = inject(pod_, R"({"sidecar": {"mode": "Classic", "image": "envoyproxy/envoy:v1.30.0"}})");
  ServiceEntry fewer = testing::service("payment", {"clearing"});
  auto now = injectPod(old, *fewer.service, testing::defaultMesh());
  ASSERT_TRUE(now.isOk());
  EXPECT_EQ(*now, *injectPod(pod_, *fewer.service, testing::defaultMesh()))
      << "an old injection is replaced whole, as if the pod came in plain";
  EXPECT_NE(record(*now)["configHash"], record(old)["configHash"]);
}

TEST_F(InjectTest, ConfigHashNamesTheInjection) {
  json a = inject(pod_);
  EXPECT_EQ(record(inject(pod_))["configHash"], record(a)["configHash"]);
  EXPECT_NE(record(inject(pod_, R"({"sidecar": {"concurrency": 4}})"))["configHash"], record(a)["configHash"]);
}

TEST_F(InjectTest, AnUninjectablePodIsAnErrorNamingTheField) {
  pod_["spec"]["containers"][0]["env"] = "PAYMESH=1";
  auto r = injectPod(pod_, *payment_.service, testing::defaultMesh());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "spec.containers[0].env: must be a list");
}

TEST(JsonPatchTest, KeysAreEscapedPerRfc6901) {
  json from = {{"metadata", {{"labels", {{"a", "1"}}}}}};
  json to = {{"metadata", {{"labels", {{"a", "1"}, {"example.com/x~y", "2"}}}}}};
  json patch = jsonPatch(from, to);
  ASSERT_EQ(patch.size(), 1u);
  EXPECT_EQ(patch[0]["path"], "/metadata/labels/example.com~1x~0y");
  EXPECT_EQ(from.patch(patch), to);
}

}  // namespace
}  // namespace paymesh::inject
