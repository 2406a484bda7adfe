#include "model/json_schema.h"

#include <gtest/gtest.h>

#include "model/mesh_config.h"

namespace paymesh::model {
namespace {

using nlohmann::ordered_json;

TEST(JsonSchemaTest, ObjectsAreClosedAndKeepTheirFieldsInOrder) {
  auto schema = s::object("A thing.", {{"b", s::boolean("B.")}, {"a", s::integer("A.", 1, 9)}}, {"a"});
  ordered_json js = toJsonSchema(*schema);
  EXPECT_EQ(js["type"], "object");
  EXPECT_EQ(js["additionalProperties"], false);
  EXPECT_EQ(js["required"], ordered_json::array({"a"}));
  EXPECT_EQ(js["properties"].begin().key(), "b");
  EXPECT_EQ(js["properties"]["a"],
            (ordered_json{{"description", "A."}, {"type", "integer"}, {"minimum", 1}, {"maximum", 9}}));
}

TEST(JsonSchemaTest, StringsCarryTheirFormatAsPatternAndLength) {
  ordered_json label = toJsonSchema(*s::string("Name.", Format::kDns1123Label));
  EXPECT_EQ(label["pattern"], formatPattern(Format::kDns1123Label));
  EXPECT_EQ(label["maxLength"], 63);
  ordered_json e = toJsonSchema(*s::enumeration("Mode.", {"A", "B"}));
  EXPECT_EQ(e["enum"], ordered_json::array({"A", "B"}));
  EXPECT_FALSE(e.contains("pattern"));
  EXPECT_FALSE(toJsonSchema(*s::string("Free.")).contains("pattern"));
}

TEST(JsonSchemaTest, DurationBoundsAreStatedInTheDescription) {
  ordered_json d = toJsonSchema(*s::duration("Lifetime.", "1m", "8760h"));
  EXPECT_EQ(d["description"], "Lifetime. A duration from 1m0s to 8760h0m0s.");
  EXPECT_EQ(d["pattern"], formatPattern(Format::kDuration));
}

TEST(JsonSchemaTest, StringMapsCheckKeysAndValues) {
  ordered_json m = toJsonSchema(*s::stringMap("Labels.", Format::kLabelKey, Format::kLabelValue));
  EXPECT_EQ(m["propertyNames"]["pattern"], formatPattern(Format::kLabelKey));
  EXPECT_EQ(m["additionalProperties"]["pattern"], formatPattern(Format::kLabelValue));
  EXPECT_EQ(m["additionalProperties"]["maxLength"], 63);
}

TEST(JsonSchemaTest, NoDefaultsAndNoKubernetesExtensions) {
  std::string text = toJsonSchema(meshConfigSchema()).dump();
  EXPECT_EQ(text.find("\"default\""), std::string::npos);
  EXPECT_EQ(text.find("x-kubernetes"), std::string::npos);
  EXPECT_EQ(text.find("int64"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::model
