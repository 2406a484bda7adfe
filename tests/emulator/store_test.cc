// The store: one resourceVersion clock, events for every change, bounded history.

#include "emulator/store.h"

#include <gtest/gtest.h>

#include <regex>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(Store, PutAndEraseRecordEventsUnderOneClock) {
  Store store(10, 1);
  json cm = {{"metadata", {{"name", "a"}}}, {"data", {{"k", "1"}}}};
  EXPECT_EQ(store.put("/configmaps", "default/a", cm)["metadata"]["resourceVersion"], "1");
  cm["data"]["k"] = "2";
  EXPECT_EQ(store.put("/configmaps", "default/a", cm)["metadata"]["resourceVersion"], "2");
  json gone = store.erase("/configmaps", "default/a");
  EXPECT_EQ(gone["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(gone["data"]["k"], "2");
  EXPECT_TRUE(store.erase("/configmaps", "default/a").is_null());
  EXPECT_EQ(store.find("/configmaps", "default/a"), nullptr);
  ASSERT_EQ(store.history().size(), 3u);
  EXPECT_EQ(store.history()[0].type, "ADDED");
  EXPECT_EQ(store.history()[1].type, "MODIFIED");
  EXPECT_EQ(store.history()[1].old["data"]["k"], "1");
  EXPECT_EQ(store.history()[2].type, "DELETED");
  EXPECT_EQ(store.rv(), 3u);
}

TEST(Store, HistoryIsBoundedAndCanBeExpired) {
  Store store(2, 1);
  for (int i = 0; i < 5; ++i) store.put("/configmaps", "default/c" + std::to_string(i), {{"metadata", json::object()}});
  EXPECT_EQ(store.history().size(), 2u);
  EXPECT_EQ(store.compactedRv(), 3u);  // a watch from rv 2 has missed rv 3
  store.expireHistory();
  EXPECT_TRUE(store.history().empty());
  EXPECT_EQ(store.compactedRv(), 5u);
}

TEST(Store, EraseAllDeletesEveryObjectOfAResource) {
  Store store(10, 1);
  store.put("paymesh.io/paymentservices", "a/x", {{"metadata", json::object()}});
  store.put("paymesh.io/paymentservices", "b/y", {{"metadata", json::object()}});
  store.eraseAll("paymesh.io/paymentservices");
  EXPECT_TRUE(store.objects("paymesh.io/paymentservices").empty());
  EXPECT_EQ(store.history().back().type, "DELETED");
  EXPECT_EQ(store.rv(), 4u);
}

TEST(Store, IdsAreSeeded) {
  Store a(1, 7), b(1, 7), c(1, 8);
  std::string uid = a.newUid();
  EXPECT_TRUE(std::regex_match(uid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uid;
  EXPECT_EQ(uid, b.newUid());
  EXPECT_NE(uid, c.newUid());
  std::string name = a.generateName("web-");
  EXPECT_TRUE(std::regex_match(name, std::regex("web-[bcdfghjklmnpqrstvwxz2456789]{5}"))) << name;
}

}  // namespace
}  // namespace paymesh::emulator
