// Pure parts of the emulator: selectors, schema handling, strategic merge, JSONPath.

#include <gtest/gtest.h>

#include "emulator/label_selector.h"
#include "emulator/schema.h"
#include "emulator/strategic_merge.h"
#include "emulator/table.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(LabelSelector, ParsesAndMatches) {
  struct Case {
    std::string selector;
    bool match;
  } cases[] = {
      {"", true},           {"app=pay", true},        {"app==pay", true},       {"app!=pay", false},
      {"app in (a, pay)", true}, {"app notin (pay)", false}, {"tier", true},         {"!tier", false},
      {"!missing", true},   {"app=pay,tier=web", true}, {"app=pay,tier=db", false}, {"missing!=x", true},
  };
  std::map<std::string, std::string> labels = {{"app", "pay"}, {"tier", "web"}};
  for (const auto& c : cases) {
    Selector s;
    std::string error;
    ASSERT_TRUE(parseSelector(c.selector, s, error)) << c.selector << ": " << error;
    EXPECT_EQ(matches(s, labels), c.match) << c.selector;
  }
  Selector s;
  std::string error;
  EXPECT_FALSE(parseSelector("app in (a", s, error));
  EXPECT_FALSE(parseSelector("app,,b", s, error));
  EXPECT_FALSE(parseSelector("a b c", s, error));
}

TEST(LabelSelector, StructuredSelector) {
  std::string error;
  std::map<std::string, std::string> labels = {{"env", "prod"}};
  EXPECT_TRUE(matchesLabelSelector(json::object(), labels, error));
  EXPECT_TRUE(matchesLabelSelector({{"matchLabels", {{"env", "prod"}}}}, labels, error));
  EXPECT_FALSE(matchesLabelSelector({{"matchExpressions", {{{"key", "env"}, {"operator", "NotIn"}, {"values", {"prod"}}}}}},
                                    labels, error));
  EXPECT_FALSE(matchesLabelSelector({{"matchExpressions", {{{"key", "env"}, {"operator", "Sideways"}}}}}, labels, error));
  EXPECT_NE(error.find("Sideways"), std::string::npos);
}

TEST(Schema, DefaultsPruneValidate) {
  json schema = {{"type", "object"},
                 {"properties", {{"spec", {{"type", "object"}, {"required", {"n"}},
                                           {"properties", {{"n", {{"type", "integer"}, {"maximum", 3}}},
                                                           {"m", {{"type", "string"}, {"default", "x"}}},
                                                           {"free", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}};
  json obj = {{"metadata", {{"name", "a"}}}, {"spec", {{"n", 5}, {"junk", 1}, {"free", {{"any", 1}}}}}};
  prune(schema, obj);
  applyDefaults(schema, obj);
  EXPECT_FALSE(obj["spec"].contains("junk"));
  EXPECT_EQ(obj["spec"]["free"]["any"], 1);
  EXPECT_EQ(obj["spec"]["m"], "x");
  EXPECT_EQ(obj["metadata"]["name"], "a");
  std::vector<Cause> causes;
  validate(schema, obj, "", causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.n");
  causes.clear();
  validate(schema, json{{"spec", {{"n", "three"}}}}, "", causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].reason, "FieldValueTypeInvalid");
  causes.clear();
  validate(schema, json{{"spec", json::object()}}, "", causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].reason, "FieldValueRequired");
}

TEST(StrategicMerge, MergesNamedListsAndHonoursDirectives) {
  json pod = {{"spec", {{"containers", {{{"name", "app"}, {"image", "a:1"}, {"env", {{{"name", "X"}, {"value", "1"}}}}},
                                        {{"name", "side"}, {"image", "s:1"}}}},
                        {"tolerations", {{{"key", "a"}}}}}}};
  json patch = {{"$setElementOrder/containers", {{{"name", "app"}}, {{"name", "side"}}}},
                {"spec", {{"containers", {{{"name", "app"}, {"env", {{{"name", "Y"}, {"value", "2"}}}}},
                                          {{"name", "side"}, {"$patch", "delete"}},
                                          {{"name", "new"}, {"image", "n:1"}}}},
                          {"tolerations", {{{"key", "b"}}}}}}};
  strategicMerge(pod, patch);
  const json& cs = pod["spec"]["containers"];
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0]["image"], "a:1");
  EXPECT_EQ(cs[0]["env"].size(), 2u);
  EXPECT_EQ(cs[1]["name"], "new");
  EXPECT_EQ(pod["spec"]["tolerations"], json::array({{{"key", "b"}}}));  // no merge key: replaced
  EXPECT_FALSE(pod.contains("$setElementOrder/containers"));
}

TEST(Table, JsonPathAndAges) {
  json obj = {{"spec", {{"a", {{"b", 3}}}, {"list", {"x", "y"}}}},
              {"status", {{"conditions", {{{"type", "Synced"}, {"status", "False"}}, {{"type", "Ready"}, {"status", "True"}}}}}}};
  EXPECT_EQ(evalJsonPath(obj, ".spec.a.b"), 3);
  EXPECT_EQ(evalJsonPath(obj, ".spec.list[1]"), "y");
  EXPECT_EQ(evalJsonPath(obj, ".status.conditions[?(@.type==\"Ready\")].status"), "True");
  EXPECT_TRUE(evalJsonPath(obj, ".spec.nope").is_null());
  EXPECT_EQ(humanAge(std::chrono::seconds(5)), "5s");
  EXPECT_EQ(humanAge(std::chrono::seconds(600)), "10m");
  EXPECT_EQ(humanAge(std::chrono::seconds(3 * 3600)), "3h");
  EXPECT_EQ(humanAge(std::chrono::seconds(3 * 86400)), "3d");
}

}  // namespace
}  // namespace paymesh::emulator
