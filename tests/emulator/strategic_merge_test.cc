// Strategic merge patches of built-in kinds.

#include "emulator/strategic_merge.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(StrategicMerge, MergesNamedListsAndHonoursDirectives) {
  json pod = {{"spec",
               {{"containers",
                 {{{"name", "app"}, {"image", "a:1"}, {"env", {{{"name", "X"}, {"value", "1"}}}}},
                  {{"name", "side"}, {"image", "s:1"}}}},
                {"tolerations", {{{"key", "a"}}}}}}};
  json patch = {{"$setElementOrder/containers", {{{"name", "app"}}, {{"name", "side"}}}},
                {"spec",
                 {{"containers",
                   {{{"name", "app"}, {"env", {{{"name", "Y"}, {"value", "2"}}}}},
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

// helm upgrade patches a MutatingWebhookConfiguration by webhook name: what the patch
// does not name (the caBundle the operator set) stays.
TEST(StrategicMerge, WebhooksMergeByName) {
  json config = {{"webhooks",
                  {{{"name", "inject.paymesh.io"},
                    {"timeoutSeconds", 5},
                    {"clientConfig", {{"caBundle", "QUJD"}, {"service", {{"name", "w"}}}}}}}}};
  strategicMerge(config, {{"webhooks", {{{"name", "inject.paymesh.io"}, {"timeoutSeconds", 8}}}}});
  ASSERT_EQ(config["webhooks"].size(), 1u);
  EXPECT_EQ(config["webhooks"][0]["timeoutSeconds"], 8);
  EXPECT_EQ(config["webhooks"][0]["clientConfig"]["caBundle"], "QUJD");
}

}  // namespace
}  // namespace paymesh::emulator
