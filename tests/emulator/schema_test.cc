// Structural schemas of custom resources: defaults, pruning, validation.

#include "emulator/schema.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(Schema, DefaultsPruneValidate) {
  json schema = json::parse(R"({
    "type": "object",
    "properties": {"spec": {
      "type": "object",
      "required": ["n"],
      "properties": {
        "n": {"type": "integer", "maximum": 3},
        "m": {"type": "string", "default": "x"},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}})");
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

}  // namespace
}  // namespace paymesh::emulator
