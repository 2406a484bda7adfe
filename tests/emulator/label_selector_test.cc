// Label and field selectors, and the structured LabelSelector.

#include "emulator/label_selector.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(LabelSelector, ParsesAndMatches) {
  struct Case {
    std::string selector;
    bool match;
  } cases[] = {
      {"", true},
      {"app=pay", true},
      {"app==pay", true},
      {"app!=pay", false},
      {"app in (a, pay)", true},
      {"app notin (pay)", false},
      {"tier", true},
      {"!tier", false},
      {"!missing", true},
      {"app=pay,tier=web", true},
      {"app=pay,tier=db", false},
      {"missing!=x", true},
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
  EXPECT_FALSE(matchesLabelSelector(
      {{"matchExpressions", {{{"key", "env"}, {"operator", "NotIn"}, {"values", {"prod"}}}}}}, labels, error));
  EXPECT_FALSE(
      matchesLabelSelector({{"matchExpressions", {{{"key", "env"}, {"operator", "Sideways"}}}}}, labels, error));
  EXPECT_NE(error.find("Sideways"), std::string::npos);
}

// Found by tests/fuzz/emulator_fuzz: a wrongly typed key, operator or value threw
// type_error.302 out of the admission path. Each is now a refusal naming the member.
TEST(LabelSelector, WronglyTypedStructuredSelectorIsAnErrorNamingTheMember) {
  std::map<std::string, std::string> labels = {{"env", "prod"}};
  struct Case {
    json selector;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {json(5), "label selector: must be an object"},
           {{{"matchLabels", json::array()}}, "label selector: matchLabels must be an object"},
           {{{"matchLabels", {{"env", 1}}}}, "label selector: matchLabels.env must be a string"},
           {{{"matchExpressions", "env"}}, "label selector: matchExpressions must be a list"},
           {{{"matchExpressions", {5}}}, "label selector: matchExpressions[0] must be an object"},
           {{{"matchExpressions", {{{"key", 5}, {"operator", "Exists"}}}}},
            "label selector: matchExpressions[0].key must be a string"},
           {{{"matchExpressions", {{{"key", "env"}, {"operator", "In"}, {"values", {"prod", 1}}}}}},
            "label selector: matchExpressions[0].values must be a list of strings"},
       }) {
    std::string error;
    EXPECT_FALSE(matchesLabelSelector(c.selector, labels, error)) << c.selector.dump();
    EXPECT_EQ(error, c.error) << c.selector.dump();
  }
}

}  // namespace
}  // namespace paymesh::emulator
