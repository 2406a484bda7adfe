#include "model/schema.h"

#include <gtest/gtest.h>

namespace paymesh::model {
namespace {

using nlohmann::json;

SchemaPtr sample() {
  auto inner =
      s::with(s::object("inner", {{"n", s::with(s::integer("n", 1, 5), [](Schema& m) { m.default_value = 2; })}}),
              [](Schema& m) { m.default_value = json::object(); });
  return s::object("root",
                   {{"name", s::string("name", Format::kDns1123Label)},
                    {"inner", inner},
                    {"list", s::with(s::array("list", s::string("item")),
                                     [](Schema& m) {
                                       m.list_type = "set";
                                       m.max_items = 3;
                                     })},
                    {"flag", s::boolean("flag")},
                    {"mode", s::enumeration("mode", {"A", "B"})},
                    {"d", s::duration("d", "1s", "1h")}},
                   {"name"});
}

std::vector<FieldError> run(json& v) {
  std::vector<FieldError> errors;
  defaultAndValidate(v, *sample(), "spec", errors);
  return errors;
}

TEST(SchemaTest, DefaultsNestedObjects) {
  json v = {{"name", "x"}};
  EXPECT_TRUE(run(v).empty());
  EXPECT_EQ(v["inner"]["n"], 2);
}

TEST(SchemaTest, NullIsPrunedThenDefaulted) {
  json v = {{"name", "x"}, {"inner", nullptr}, {"flag", nullptr}};
  EXPECT_TRUE(run(v).empty());
  EXPECT_EQ(v["inner"]["n"], 2);
  EXPECT_FALSE(v.contains("flag"));
}

TEST(SchemaTest, ReportsEveryProblemWithItsPath) {
  json v = {{"inner", {{"n", 9}}}, {"list", {"a", "a"}}, {"flag", "yes"}, {"mode", "C"}, {"d", "2h"}, {"extra", 1}};
  auto errors = run(v);
  std::vector<FieldError> want = {
      {"spec.extra", "unknown field \"extra\""},
      {"spec.name", "required field is missing"},
      {"spec.inner.n", "must be at most 5, got 9"},
      {"spec.list[1]", "duplicate value \"a\""},
      {"spec.flag", "must be a boolean, got string"},
      {"spec.mode", "unsupported value \"C\": must be one of \"A\", \"B\""},
      {"spec.d", "must be between 1s and 1h0m0s, got 2h"},
  };
  EXPECT_EQ(errors, want);
}

TEST(SchemaTest, WrongTypesAreErrorsNotCrashes) {
  for (json bad : {json(1), json("s"), json::array(), json(nullptr), json(1.5), json(true)}) {
    std::vector<FieldError> errors;
    defaultAndValidate(bad, *sample(), "spec", errors);
    ASSERT_EQ(errors.size(), 1u) << bad.dump();
    EXPECT_NE(errors[0].message.find("must be an object"), std::string::npos);
  }
  json v = {{"name", 5}, {"inner", {{"n", 1.5}}}, {"list", "x"}};
  auto errors = run(v);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "must be a string, got integer");
  EXPECT_EQ(errors[1].message, "must be an integer, got number 1.5");
  EXPECT_EQ(errors[2].message, "must be a list, got string");
}

TEST(SchemaTest, TooLongListsAreNotWalked) {
  json v = {{"name", "x"}, {"list", json::array({1, 2, 3, 4})}};
  auto errors = run(v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must have at most 3 items, got 4");
}

TEST(SchemaTest, HugeIntegersAreRejected) {
  json v = {{"name", "x"}, {"inner", {{"n", 18446744073709551615ULL}}}};
  auto errors = run(v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "spec.inner.n");
}

}  // namespace
}  // namespace paymesh::model
