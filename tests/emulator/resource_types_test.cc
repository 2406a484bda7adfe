// The resource registry: built-in kinds, and what a CRD serves.

#include "emulator/resource_types.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

json crd(const std::string& scope = "Namespaced") {
  return {{"metadata", {{"name", "widgets.example.io"}}},
          {"spec",
           {{"group", "example.io"},
            {"scope", scope},
            {"names", {{"plural", "widgets"}, {"kind", "Widget"}, {"shortNames", {"wd"}}}},
            {"versions",
             {{{"name", "v1"}, {"served", true}, {"subresources", {{"status", json::object()}}}},
              {{"name", "v2"}, {"served", true}},
              {{"name", "v0"}, {"served", false}}}}}}};
}

TEST(TypeRegistry, BuiltinsCoreFirst) {
  TypeRegistry types;
  auto all = types.all();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front()->group, "");
  const ResourceType* pods = types.find("", "v1", "pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_TRUE(pods->namespaced);
  EXPECT_EQ(pods->storeKey(), "/pods");
  EXPECT_EQ(types.byStoreKey("apps/deployments")->kind, "Deployment");
  EXPECT_EQ(withVersion(*types.find("apps", "v1", "deployments"), json::object())["apiVersion"], "apps/v1");
}

TEST(TypeRegistry, CrdServesEachServedVersionUntilUnregistered) {
  TypeRegistry types;
  types.registerCrd(crd());
  ASSERT_NE(types.find("example.io", "v1", "widgets"), nullptr);
  EXPECT_TRUE(types.find("example.io", "v1", "widgets")->has_status);
  EXPECT_FALSE(types.find("example.io", "v2", "widgets")->has_status);
  EXPECT_EQ(types.find("example.io", "v0", "widgets"), nullptr);
  types.registerCrd(crd("Cluster"));  // an update replaces what it served
  EXPECT_FALSE(types.find("example.io", "v1", "widgets")->namespaced);
  EXPECT_EQ(types.unregisterCrd("widgets.example.io"), "example.io/widgets");
  EXPECT_EQ(types.find("example.io", "v1", "widgets"), nullptr);
  EXPECT_EQ(types.unregisterCrd("widgets.example.io"), "");
}

TEST(TypeRegistry, BadCrdsNameTheField) {
  json bad = crd();
  bad["metadata"]["name"] = "widgets";
  EXPECT_EQ(typesFromCrd(bad).error, "metadata.name: Invalid value: must be spec.names.plural+\".\"+spec.group");
  bad = crd();
  bad["spec"]["scope"] = "Galaxy";
  EXPECT_EQ(typesFromCrd(bad).error, "spec.scope: Unsupported value: \"Galaxy\"");
  bad = crd();
  bad["spec"].erase("versions");
  EXPECT_EQ(typesFromCrd(bad).error, "spec.versions: Required value");
}

}  // namespace
}  // namespace paymesh::emulator
