#include "inject/selection.h"

#include <gtest/gtest.h>

#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

TEST(SelectionTest, EveryLabelOfTheSelectorMustMatch) {
  EXPECT_TRUE(selects({{"app", "a"}}, {{"app", "a"}, {"tier", "x"}}));
  EXPECT_FALSE(selects({{"app", "a"}, {"tier", "y"}}, {{"app", "a"}, {"tier", "x"}}));
  EXPECT_FALSE(selects({{"app", "a"}}, {}));
  EXPECT_FALSE(selects({}, {{"app", "a"}})) << "an empty selector selects nothing";
}

TEST(SelectionTest, SelectingKeepsTheGivenOrder) {
  std::vector<ServiceEntry> all = {testing::service("b", {}, "x"), testing::service("a", {}, "x"),
                                   testing::service("c", {}, "y")};
  auto got = selecting(all, {{"app", "x"}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->name, "b");
  EXPECT_EQ(got[1]->name, "a");
}

TEST(SelectionTest, AnInvalidServiceKeepsItsSelectorAndError) {
  json bad = {{"apiVersion", "paymesh.io/v1alpha1"},
              {"kind", "PaymentService"},
              {"metadata", {{"name", "broken"}, {"namespace", "payments"}}},
              {"spec", {{"selector", {{"matchLabels", {{"app", "broken"}}}}}, {"ports", {{{"port", 70000}}}}}}};
  ServiceEntry e = serviceEntry(bad);
  EXPECT_EQ(e.name, "broken");
  EXPECT_EQ(e.namespace_, "payments");
  EXPECT_EQ(e.service, nullptr);
  EXPECT_EQ(e.selector.at("app"), "broken");
  EXPECT_NE(e.error.find("spec.ports[0].port: must be at most 65535"), std::string::npos) << e.error;
  EXPECT_NE(e.error.find("spec.ports[0].name"), std::string::npos) << e.error;
}

TEST(SelectionTest, AValidServiceIsParsedWithDefaults) {
  ServiceEntry e = testing::service("settlement", {"clearing"});
  ASSERT_NE(e.service, nullptr) << e.error;
  EXPECT_EQ(e.service->spec.service_account, "settlement");
  EXPECT_EQ(e.service->spec.dependencies.size(), 1u);
}

}  // namespace
}  // namespace paymesh::inject
