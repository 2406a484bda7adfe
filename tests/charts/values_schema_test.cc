// values.schema.json: a misspelt or mistyped value fails helm naming it; its meshConfig
// part is the model's mesh-config schema (generated, kept equal here); every field of
// the mesh configuration is settable from values and reaches the ConfigMap as set.
//
// After a reviewed change to the model's mesh-config schema:
//   REFRESH_GOLDEN=1 build/default/tests/charts/chart_test --gtest_filter='ValuesSchemaTest.*'
// rewrites the meshConfig part of charts/paymesh/values.schema.json.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "base/duration.h"
#include "charts/helm.h"
#include "model/json_schema.h"
#include "model/manifest.h"
#include "model/mesh_config.h"

namespace paymesh::testing {
namespace {

using nlohmann::ordered_json;
using Json = nlohmann::json;
using model::Format;
using model::Schema;

const std::string kSchemaFile = kChartDir + "/values.schema.json";

TEST(ValuesSchemaTest, MeshConfigPartIsTheModelsSchema) {
  ordered_json schema = ordered_json::parse(slurp(kSchemaFile));
  ordered_json want = model::toJsonSchema(model::meshConfigSchema());
  want["description"] =
      "The mesh configuration (docs/api.md, \"Mesh configuration\"); generated from the model (lib/model). The chart "
      "fills ca.namespace, ca.secretName and the webhook names from the release where unset.";
  if (std::getenv("REFRESH_GOLDEN")) {
    schema["properties"]["meshConfig"] = want;
    std::ofstream(kSchemaFile) << schema.dump(2) << "\n";
  }
  EXPECT_EQ(schema["properties"]["meshConfig"].dump(2), want.dump(2))
      << "values.schema.json's meshConfig drifted from the model; regenerate it (see the top of this file)";
}

struct BadValue {
  std::string set;
  std::string message;  // what helm must say
};

TEST(ValuesSchemaTest, TyposAndWrongTypesFailNamingTheValue) {
  for (const auto& c : std::vector<BadValue>{
           {"operator.replica=3", "operator: Additional property replica is not allowed"},
           {"webhook.timeoutSeconds=60", "webhook.timeoutSeconds: Must be less than or equal to 30"},
           {"webhook.reinvocationPolicy=Always",
            "webhook.reinvocationPolicy: webhook.reinvocationPolicy must be one of"},
           {"image.pullPolicy=Sometimes", "image.pullPolicy: image.pullPolicy must be one of"},
           {"meshConfig.sidecar.imagee=x", "meshConfig.sidecar: Additional property imagee is not allowed"},
           {"meshConfig.inboundPort=70000", "meshConfig.inboundPort: Must be less than or equal to 65535"},
           {"meshConfig.trustDomain=Not_A_Domain", "meshConfig.trustDomain: Does not match pattern"},
           {"meshConfig.ca.existing=maybe", "meshConfig.ca.existing: Invalid type. Expected: boolean, given: string"},
           {"meshConfig.ca.duration=10 years", "meshConfig.ca.duration: Does not match pattern"},
       }) {
    HelmArgs a;
    a.sets = {c.set};
    auto r = helmTemplate(a);
    EXPECT_NE(r.run.exit_code, 0) << c.set;
    EXPECT_NE(r.run.err.find(c.message), std::string::npos) << c.set << ":\n" << r.run.err;
  }
}

// A valid value for a schema leaf that differs from its default; `n` keeps values unique
// (ports must not collide).
Json otherValue(const Schema& s, int n) {
  const Json def = s.default_value.value_or(Json());
  switch (s.type) {
    case Schema::Type::kBoolean: return def.is_boolean() ? !def.get<bool>() : true;
    case Schema::Type::kInteger: {
      int64_t lo = s.minimum.value_or(0), hi = s.maximum.value_or(1 << 20);
      int64_t v = std::min(hi, lo + 1000 + n);
      return v == def ? v - 1 : v;
    }
    case Schema::Type::kStringMap: return Json{{"example.com/k" + std::to_string(n), "v" + std::to_string(n)}};
    case Schema::Type::kArray: return s.items ? Json::array({otherValue(*s.items, n)}) : Json::array();
    case Schema::Type::kString: {
      for (auto it = s.enum_values.rbegin(); it != s.enum_values.rend(); ++it)
        if (*it != def) return *it;
      std::string i = std::to_string(n);
      switch (s.format) {
        case Format::kDuration: {
          auto mid = (*s.min_duration + *s.max_duration) / 2;
          return formatDuration(std::chrono::duration_cast<std::chrono::hours>(mid));
        }
        case Format::kDns1123Label: return "x" + i;
        case Format::kDns1123Subdomain: return "x" + i + ".example";
        case Format::kImage: return "registry.example/x" + i + ":v" + i;
        case Format::kHttpHeaderName: return "x-h" + i;
        case Format::kLabelKey: return "example.com/k" + i;
        case Format::kLabelValue: return "v" + i;
        case Format::kQuantity: return std::to_string(n + 1) + "00m";
        case Format::kUrl:
        case Format::kHttpsUrl: return "https://x" + i + ".example/";
        case Format::kPathPrefix: return "/x" + i;
        case Format::kClaimName:
        case Format::kQueryParam: return "x" + i;
        case Format::kNone: return "v" + i;
      }
      return "v" + i;
    }
    default: ADD_FAILURE() << "no test value for this kind of field"; return Json();
  }
}

void setEveryLeaf(const Schema& s, const std::string& path, Json& values, std::vector<std::string>& paths, int& n) {
  if (s.type == Schema::Type::kObject) {
    for (const auto& [name, prop] : s.properties)
      setEveryLeaf(*prop, path.empty() ? name : path + "/" + name, values, paths, n);
    return;
  }
  values[Json::json_pointer("/" + path)] = otherValue(s, n++);
  paths.push_back(path);
}

// Generated from the model's schema: a field added to the mesh configuration later is
// covered without touching this test, and must be settable without touching a template.
TEST(ValuesSchemaTest, EveryMeshConfigFieldIsSettable) {
  const std::string ns = "mesh-test";  // webhook.namespace can only be the release namespace
  Json mesh = Json::object();
  std::vector<std::string> paths;
  int n = 0;
  setEveryLeaf(model::meshConfigSchema(), "", mesh, paths, n);
  mesh["webhook"]["namespace"] = ns;
  // Helm merges maps with values.yaml's: its keys are nulled to leave only ours.
  auto chart_values = model::readManifests(kChartDir + "/values.yaml");
  ASSERT_TRUE(chart_values.isOk());
  Json values_mesh = mesh;
  for (const auto& p : paths) {
    Json::json_pointer ptr("/" + p);
    const Json& def = (*chart_values)[0].doc.value["meshConfig"];
    if (mesh[ptr].is_object() && def.contains(ptr))
      for (const auto& [k, v] : def[ptr].items())
        if (!mesh[ptr].contains(k)) values_mesh[ptr][k] = nullptr;
  }
  TempDir dir;
  HelmArgs a;
  a.ns = ns;
  a.values_files = {dir.write("values.yaml", Json{{"meshConfig", values_mesh}}.dump(2))};
  Rendered r = helmTemplate(a);
  ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
  auto docs =
      model::parseManifests(r.get("ConfigMap", "paymesh-mesh-config")["data"].value("mesh.yaml", ""), "mesh.yaml");
  ASSERT_TRUE(docs.isOk()) << docs.status().message();
  auto parsed = model::parseMeshConfig((*docs)[0].doc.value);
  ASSERT_TRUE(parsed.errors.empty()) << model::toString(parsed.errors[0]);
  auto defaults = model::parseMeshConfig(Json::object());
  EXPECT_GT(paths.size(), 20u);
  for (const auto& p : paths) {
    Json::json_pointer ptr("/" + p);
    EXPECT_EQ(parsed.config->raw[ptr], mesh[ptr]) << p;
    EXPECT_NE(parsed.config->raw[ptr], defaults.config->raw[ptr]) << p << " was not changed from its default";
  }
}

}  // namespace
}  // namespace paymesh::testing
