#include "inject/pod.h"

#include <gtest/gtest.h>

namespace paymesh::inject {
namespace {

using nlohmann::json;

TEST(PodTest, ReadsAReplicaSetPodWithoutNameOrAnnotations) {
  auto f = readPodFacts(json::parse(
      R"({"metadata": {"generateName": "settlement-7d9f8-", "labels": {"app": "settlement"}}, "spec": {}})"));
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  EXPECT_EQ(f->display_name, "settlement-7d9f8-*");
  EXPECT_TRUE(f->annotations.empty());
  EXPECT_EQ(f->labels.at("app"), "settlement");
  EXPECT_EQ(f->service_account, "default");
  EXPECT_FALSE(f->host_network);
}

TEST(PodTest, NoMetadataAtAll) {
  auto f = readPodFacts(json::parse(R"({"spec": {"serviceAccount": "legacy", "hostNetwork": true}})"));
  ASSERT_TRUE(f.isOk());
  EXPECT_EQ(f->display_name, "(unnamed)");
  EXPECT_TRUE(f->labels.empty());
  EXPECT_EQ(f->service_account, "legacy");
  EXPECT_TRUE(f->host_network);
}

TEST(PodTest, MalformedFieldsAreNamed) {
  struct Case {
    const char* pod;
    const char* error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"([1, 2])", "the pod must be a JSON object"},
           {R"({"metadata": "x", "spec": {}})", "metadata: must be an object"},
           {R"({"metadata": {"labels": ["a"]}, "spec": {}})", "metadata.labels: must be a map of strings"},
           {R"({"metadata": {"annotations": {"a/b": 1}}, "spec": {}})", "metadata.annotations[a/b]: must be a string"},
           {R"({"metadata": {"name": 7}, "spec": {}})", "metadata.name: must be a string"},
           {R"({"metadata": {}})", "spec: must be an object"},
           {R"({"spec": {"hostNetwork": "yes"}})", "spec.hostNetwork: must be a boolean"},
           {R"({"spec": {"serviceAccountName": {}}})", "spec.serviceAccountName: must be a string"},
       }) {
    auto f = readPodFacts(json::parse(c.pod));
    ASSERT_FALSE(f.isOk()) << c.pod;
    EXPECT_EQ(f.status().message(), c.error) << c.pod;
  }
}

TEST(PodTest, InjectableChecksWhatInjectionRewrites) {
  struct Case {
    const char* spec;
    const char* error;  // "" when injectable
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"containers": [{"name": "app"}]})", ""},
           {R"({})", "spec.containers: required"},
           {R"({"containers": []})", "spec.containers: must not be empty"},
           {R"({"containers": {"name": "app"}})", "spec.containers: must be a list"},
           {R"({"containers": ["app"]})", "spec.containers[0]: must be an object"},
           {R"({"containers": [{"image": "x"}]})", "spec.containers[0].name: must be a string"},
           {R"({"containers": [{"name": "app", "env": {}}]})", "spec.containers[0].env: must be a list"},
           {R"({"containers": [{"name": "app", "env": [{"value": "1"}]}]})",
            "spec.containers[0].env[0].name: must be a string"},
           {R"({"containers": [{"name": "app"}], "initContainers": 3})", "spec.initContainers: must be a list"},
           {R"({"containers": [{"name": "app"}], "volumes": [{"secret": {}}]})",
            "spec.volumes[0].name: must be a string"},
           {R"({"containers": [{"name": "app"}], "securityContext": []})", "spec.securityContext: must be an object"},
       }) {
    Status s = checkInjectable(json{{"spec", json::parse(c.spec)}});
    EXPECT_EQ(s.isOk() ? "" : s.message(), c.error) << c.spec;
  }
}

TEST(PodTest, FormatLabels) {
  EXPECT_EQ(formatLabels({}), "(no labels)");
  EXPECT_EQ(formatLabels({{"tier", "web"}, {"app", "x"}}), "app=x, tier=web");
}

}  // namespace
}  // namespace paymesh::inject
