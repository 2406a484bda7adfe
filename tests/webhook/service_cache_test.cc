#include "webhook/service_cache.h"

#include <gtest/gtest.h>

namespace paymesh::webhook {
namespace {

using nlohmann::json;

json service(const std::string& ns, const std::string& name, const std::string& app) {
  return {{"apiVersion", "paymesh.io/v1alpha1"},
          {"kind", "PaymentService"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"selector", {{"matchLabels", {{"app", app}}}}}, {"ports", {{{"name", "http"}, {"port", 80}}}}}}};
}

TEST(ServiceCacheTest, SnapshotsByNamespace) {
  ServiceCache cache;
  EXPECT_TRUE(cache.inNamespace("payments")->empty());
  cache.upsert(service("payments", "settlement", "settlement"));
  cache.upsert(service("payments", "clearing", "clearing"));
  cache.upsert(service("other", "settlement", "x"));
  EXPECT_EQ(cache.size(), 3u);
  auto snap = cache.inNamespace("payments");
  ASSERT_EQ(snap->size(), 2u);
  EXPECT_EQ((*snap)[0].name, "clearing");
  EXPECT_EQ((*snap)[1].name, "settlement");
  // An update replaces; an old snapshot stays as it was for whoever holds it.
  cache.upsert(service("payments", "settlement", "changed"));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ((*snap)[1].selector.at("app"), "settlement");
  EXPECT_EQ((*cache.inNamespace("payments"))[1].selector.at("app"), "changed");
  cache.remove(service("payments", "clearing", ""));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.inNamespace("payments")->size(), 1u);
  EXPECT_EQ(cache.changes(), 5u);
}

TEST(ServiceCacheTest, InvalidServicesAreKeptWithTheirError) {
  ServiceCache cache;
  json bad = service("payments", "broken", "broken");
  bad["spec"]["ports"][0]["port"] = 0;
  cache.upsert(bad);
  auto snap = cache.inNamespace("payments");
  ASSERT_EQ(snap->size(), 1u);
  EXPECT_EQ((*snap)[0].service, nullptr);
  EXPECT_FALSE((*snap)[0].error.empty());
}

}  // namespace
}  // namespace paymesh::webhook
