// kube-apiserver's checks of names and metadata, with its field paths and messages.

#include "emulator/object_validation.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

const ResourceType& typeOf(const std::string& group, const std::string& resource) {
  static TypeRegistry types;
  for (const ResourceType* t : types.all()) {
    if (t->group == group && t->resource == resource) return *t;
  }
  throw std::runtime_error("no type " + resource);
}

std::string problems(const std::string& group, const std::string& resource, const std::string& name) {
  std::string out;
  for (const auto& c : nameCauses(typeOf(group, resource), name)) out += c.field + ": " + c.message + "\n";
  return out;
}

TEST(NameValidation, SubdomainForMostKinds) {
  EXPECT_EQ(problems("", "configmaps", "settlement.paymesh-v1"), "");
  EXPECT_EQ(problems("", "configmaps", std::string(100, 'a')), "");  // no 63-character cap without dots
  EXPECT_EQ(problems("", "configmaps", "a..b"),
            "metadata.name: Invalid value: \"a..b\": a lowercase RFC 1123 subdomain must consist of lower case "
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n");
  for (const char* bad : {"Bad_Name", "-a", "a-", ".a", "a.", "a.-b", "A"}) {
    EXPECT_NE(problems("apps", "deployments", bad), "") << bad;
    EXPECT_NE(problems("", "pods", bad), "") << bad;
  }
  EXPECT_EQ(problems("", "secrets", std::string(254, 'a')),
            "metadata.name: Invalid value: \"" + std::string(254, 'a') + "\": must be no more than 253 characters\n");
}

TEST(NameValidation, LabelsForNamespacesAndServices) {
  EXPECT_EQ(problems("", "namespaces", "payments"), "");
  EXPECT_NE(problems("", "namespaces", "pay.ments").find("must not contain dots"), std::string::npos);
  EXPECT_NE(problems("", "namespaces", std::string(64, 'a')).find("must be no more than 63 characters"),
            std::string::npos);
  EXPECT_EQ(problems("", "services", "ledger-v2"), "");
  EXPECT_NE(problems("", "services", "2ledger").find("a DNS-1035 label must consist of lower case alphanumeric"),
            std::string::npos);  // a Service name starts with a letter
  EXPECT_NE(problems("", "services", "ledger.v2"), "");
}

TEST(NameValidation, PathSegmentsForRbac) {
  EXPECT_EQ(problems("rbac.authorization.k8s.io", "clusterroles", "system:aggregate-to-view"), "");
  EXPECT_EQ(problems("rbac.authorization.k8s.io", "rolebindings", "Mixed_Case"), "");
  EXPECT_EQ(problems("rbac.authorization.k8s.io", "roles", ".."),
            "metadata.name: Invalid value: \"..\": may not be '..'\n");
  EXPECT_EQ(problems("rbac.authorization.k8s.io", "roles", "a/b%c"),
            "metadata.name: Invalid value: \"a/b%c\": may not contain '/'\n"
            "metadata.name: Invalid value: \"a/b%c\": may not contain '%'\n");
}

TEST(NameValidation, TheApiServerAnswers422NamingTheKind) {
  TestApi t;
  auto r = t.post(kConfigMaps, configMap("a..b"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["reason"], "Invalid");
  EXPECT_EQ(r.message().rfind("ConfigMap \"a..b\" is invalid: metadata.name: Invalid value: \"a..b\": ", 0), 0u)
      << r.message();
  EXPECT_EQ(r.body["details"]["causes"][0]["field"], "metadata.name");
  json d = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "x_y"}}}};
  r = t.post("/apis/apps/v1/namespaces/default/deployments", d);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.message().rfind("Deployment.apps \"x_y\" is invalid", 0), 0u) << r.message();
  // A generated name is checked as the whole name.
  r = t.post(kConfigMaps, {{"metadata", {{"generateName", "Bad-"}}}});
  EXPECT_EQ(r.status, 422);
  json ns = {{"metadata", {{"name", "a.b"}}}};
  EXPECT_EQ(t.post("/api/v1/namespaces", ns).status, 422);
}

TEST(MetadataValidation, TypesOfFields) {
  auto reasons = [](const json& obj) {
    std::string out;
    for (const auto& c : metadataCauses(obj)) out += c.field + ";";
    return out;
  };
  EXPECT_EQ(reasons({{"metadata", {{"name", "a"}, {"labels", {{"k", "v"}}}}}}), "");
  EXPECT_EQ(reasons({{"metadata", "x"}}), "metadata;");
  EXPECT_EQ(reasons({{"metadata", {{"name", 5}, {"labels", {{"k", 1}}}, {"finalizers", "f"}}}}),
            "metadata.name;metadata.labels;metadata.finalizers;");
  EXPECT_EQ(
      reasons({{"metadata", {{"ownerReferences", {{{"uid", "u"}}}}}}}),
      "metadata.ownerReferences[0].apiVersion;metadata.ownerReferences[0].kind;metadata.ownerReferences[0].name;");
}

TEST(ObjectValidation, PodsNeedNamedContainersWithImages) {
  json pod = {{"spec", {{"containers", {{{"name", "app"}}}}}}};
  auto causes = normalizeAndValidate(typeOf("", "pods"), pod, true);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.containers[0].image");
  json empty = {{"spec", json::object()}};
  EXPECT_EQ(normalizeAndValidate(typeOf("", "pods"), empty, true)[0].field, "spec.containers");
}

TEST(DataLimit, ConfigMapDataAndBinaryDataTogetherAtMostOneMiB) {
  TestApi t;
  const size_t mib = 1024 * 1024;
  EXPECT_EQ(t.post(kConfigMaps, configMap("full", {{"a", std::string(mib - 1, 'x')}, {"b", "y"}})).status, 201);
  auto r = t.post(kConfigMaps, configMap("over", {{"a", std::string(mib, 'x')}, {"b", "y"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.message(), "ConfigMap \"over\" is invalid: []: Too long: may not be more than 1048576 bytes");
  EXPECT_EQ(r.body["details"]["causes"][0], json({{"reason", "FieldValueTooLong"},
                                                  {"field", "[]"},
                                                  {"message", "Too long: may not be more than 1048576 bytes"}}));
  json binary = configMap("bin", {{"a", std::string(mib - 2, 'x')}});
  binary["binaryData"] = {{"b", base64Encode("xyz")}};  // counted decoded: 3 bytes
  EXPECT_EQ(t.post(kConfigMaps, binary).status, 422);
  // An update past the limit is refused and changes nothing.
  auto grow = t.patch(kConfigMaps + "/full", {{"data", {{"c", "z"}}}});
  EXPECT_EQ(grow.status, 422);
  EXPECT_FALSE(t.get(kConfigMaps + "/full").body["data"].contains("c"));
}

TEST(DataLimit, SecretDataDecodedWithStringDataMerged) {
  TestApi t;
  const std::string secrets = "/api/v1/namespaces/default/secrets";
  const size_t mib = 1024 * 1024;
  json ok = {{"metadata", {{"name", "ok"}}}, {"data", {{"a", base64Encode(std::string(mib, 'x'))}}}};
  EXPECT_EQ(t.post(secrets, ok).status, 201);  // 1 MiB decoded, ~1.4 MB as base64
  json over = {{"metadata", {{"name", "over"}}},
               {"data", {{"a", base64Encode(std::string(mib, 'x'))}}},
               {"stringData", {{"b", "!"}}}};
  auto r = t.post(secrets, over);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.message(), "Secret \"over\" is invalid: data: Too long: may not be more than 1048576 bytes");
  json plain = {{"metadata", {{"name", "plain"}}}, {"data", {{"a", base64Encode("1")}}}, {"stringData", {{"a", "2"}}}};
  auto merged = t.post(secrets, plain);
  EXPECT_EQ(merged.body["data"]["a"], base64Encode("2"));  // stringData wins, as in kube-apiserver
  EXPECT_FALSE(merged.body.contains("stringData"));
  EXPECT_EQ(merged.body["type"], "Opaque");  // defaulted
  json bad = {{"metadata", {{"name", "bad"}}}, {"data", {{"a", "not base64!"}}}};
  EXPECT_EQ(t.post(secrets, bad).status, 422);
}

}  // namespace
}  // namespace paymesh::emulator
