#include "base/json_shape.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

using nlohmann::json;

const JsonShape kWhole = JsonShape::whole();

TEST(JsonShapeTest, WholeIsWhatJsonParseGives) {
  for (const char* text : {R"({"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": {"d": []}})", "[]", "42", R"("s")",
                           R"({"dup": 1, "dup": 2})", R"({"u": 18446744073709551615, "e": "\u00e9\n"})"}) {
    auto shaped = parseShaped(text, kWhole);
    ASSERT_TRUE(shaped.has_value()) << text;
    EXPECT_EQ(*shaped, json::parse(text)) << text;
  }
}

TEST(JsonShapeTest, NumbersHaveTheTypesJsonParseGives) {
  auto got = *parseShaped(R"([0, 7, -7, 1.5, 1e3, 9223372036854775808])", kWhole);
  EXPECT_TRUE(got[1].is_number_unsigned());
  EXPECT_TRUE(got[2].is_number_integer() && !got[2].is_number_unsigned());
  EXPECT_TRUE(got[3].is_number_float());
  EXPECT_TRUE(got[4].is_number_float());
  EXPECT_TRUE(got[5].is_number_unsigned());
  EXPECT_EQ(got.dump(), json::parse(R"([0, 7, -7, 1.5, 1e3, 9223372036854775808])").dump());
}

TEST(JsonShapeTest, WhatTheFastParserDoesNotHoldIsParsedWhole) {
  const char* big = R"({"n": 123456789012345678901234567890, "drop": 1})";
  EXPECT_EQ(*parseShaped(big, JsonShape::object({{"n", kWhole}})), json::parse(big));
  std::string deep = std::string(2000, '[') + std::string(2000, ']');
  EXPECT_EQ(*parseShaped(deep, kWhole), json::parse(deep));
  std::string bom = "\xEF\xBB\xBF{\"a\": 1}";
  EXPECT_EQ(*parseShaped(bom, kWhole), json::parse(bom));
}

TEST(JsonShapeTest, KeepsOnlyTheNamedMembers) {
  auto shape = JsonShape::object({{"keep", kWhole}, {"list", JsonShape::list(JsonShape::object({{"name", kWhole}}))}});
  auto got = parseShaped(R"({"keep": {"x": [1, {"y": 2}]}, "drop": {"deep": [[{"z": 1}]]}, "scalar": "gone",
                            "list": [{"name": "a", "value": "v"}, {"other": 1}, {"name": "b", "nested": {"n": 1}}]})",
                         shape);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, json::parse(R"({"keep": {"x": [1, {"y": 2}]},
                                   "list": [{"name": "a"}, {}, {"name": "b"}]})"));
}

TEST(JsonShapeTest, AValueOfAnotherTypeIsKeptWholeForItsReaderToRefuse) {
  auto shape = JsonShape::object(
      {{"list", JsonShape::list(JsonShape::object({{"name", kWhole}}))}, {"obj", JsonShape::object({{"a", kWhole}})}});
  auto got = parseShaped(R"({"list": [{"name": 1, "x": 2}, "str", [3, {"k": 4}], null],
                            "obj": ["not", {"an": "object"}]})",
                         shape);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, json::parse(R"({"list": [{"name": 1}, "str", [3, {"k": 4}], null],
                                   "obj": ["not", {"an": "object"}]})"));
  EXPECT_EQ(*parseShaped(R"([{"a": 1}])", shape), json::parse(R"([{"a": 1}])")) << "the root too";
}

TEST(JsonShapeTest, TheLastOfDuplicateKeysWinsAsInJsonParse) {
  auto shape = JsonShape::object({{"a", JsonShape::object({{"b", kWhole}})}});
  EXPECT_EQ(*parseShaped(R"({"a": {"b": 1, "c": 2}, "a": {"b": 3}})", shape), json::parse(R"({"a": {"b": 3}})"));
}

TEST(JsonShapeTest, WhatIsNotJsonIsRefusedEvenInsideADroppedMember) {
  auto shape = JsonShape::object({{"a", kWhole}});
  for (const char* text : {"", "{", R"({"a": 1,})", R"({"a": 1} trailing)", R"({"a": 1, "drop": [1, 2})",
                           "{\"drop\": \"\xff\"}", R"({"drop": tru})"})
    EXPECT_FALSE(parseShaped(text, shape).has_value()) << text;
}

}  // namespace
}  // namespace paymesh
