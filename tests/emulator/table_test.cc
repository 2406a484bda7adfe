// Server-side printing: JSONPath of printer columns, ages.

#include "emulator/table.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(Table, JsonPathAndAges) {
  json obj = {{"spec", {{"a", {{"b", 3}}}, {"list", {"x", "y"}}}},
              {"status",
               {{"conditions", {{{"type", "Synced"}, {"status", "False"}}, {{"type", "Ready"}, {"status", "True"}}}}}}};
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
