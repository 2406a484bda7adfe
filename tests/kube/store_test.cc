#include "kube/store.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace paymesh::kube {
namespace {

Json obj(const std::string& ns, const std::string& name, Json labels, const std::string& rv = "1") {
  return {{"metadata",
           {{"namespace", ns},
            {"name", name},
            {"labels", labels},
            {"resourceVersion", rv},
            {"managedFields", Json::array({{{"manager", "kubectl"}}})},
            {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}}};
}

TEST(Store, UpsertEraseAndIndexes) {
  Store store;
  auto [old1, now1] = store.upsert(obj("a", "x", {{"app", "pay"}}));
  EXPECT_EQ(old1, nullptr);
  EXPECT_FALSE((*now1)["metadata"].contains("managedFields"));
  EXPECT_FALSE((*now1)["metadata"].contains("annotations"));
  store.upsert(obj("b", "y", {{"app", "pay"}}));
  store.upsert(obj("a", "z", {{"app", "clear"}}));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.byNamespace("a").size(), 2u);
  EXPECT_EQ(store.byLabel("app", "pay").size(), 2u);

  auto [old2, now2] = store.upsert(obj("a", "x", {{"app", "clear"}}, "2"));
  ASSERT_NE(old2, nullptr);
  EXPECT_EQ((*old2)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(store.byLabel("app", "pay").size(), 1u);
  EXPECT_EQ(store.byLabel("app", "clear").size(), 2u);

  EXPECT_NE(store.erase("a", "x"), nullptr);
  EXPECT_EQ(store.erase("a", "x"), nullptr);
  EXPECT_EQ(store.get("a", "x"), nullptr);
  EXPECT_EQ(store.byLabel("app", "clear").size(), 1u);

  std::vector<std::string> changes;
  store.replace({obj("c", "w", {{"app", "pay"}})}, [&](const ObjectPtr& was, const ObjectPtr& now) {
    changes.push_back(std::string(was ? "-" + Store::keyOf(*was) : "") + (now ? "+" + Store::keyOf(*now) : ""));
  });
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes, (std::vector<std::string>{"+c/w", "-a/z", "-b/y"}));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.byNamespace("a").empty());
  EXPECT_EQ(store.byLabel("app", "pay").size(), 1u);
}

// A relist reports only what differs from the cache: added, changed (by trimmed content)
// and removed objects; an object listed again unchanged is not reported.
TEST(Store, BatchReplaceReportsDifferences) {
  Store store;
  store.upsert(obj("a", "same", {{"app", "pay"}}, "1"));
  store.upsert(obj("a", "moved", {{"app", "pay"}}, "1"));
  store.upsert(obj("a", "gone", {{"app", "pay"}}, "1"));
  Store::Batch batch = store.newBatch();
  batch.add(obj("a", "same", {{"app", "pay"}}, "1"));
  batch.add(obj("a", "moved", {{"app", "clear"}}, "2"));
  batch.add(obj("a", "new", {{"app", "clear"}}, "3"));
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(store.size(), 3u);  // untouched until the batch is swapped in
  std::vector<std::string> changes;
  store.replace(std::move(batch), [&](const ObjectPtr& was, const ObjectPtr& now) {
    EXPECT_TRUE(!now || !(*now)["metadata"].contains("managedFields"));  // trimmed on the way in
    std::string name = (*(now ? now : was))["metadata"].value("name", "");
    changes.push_back(name + (was ? " " + (*was)["metadata"].value("resourceVersion", "") : " -") +
                      (now ? " " + (*now)["metadata"].value("resourceVersion", "") : " -"));
  });
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes, (std::vector<std::string>{"gone 1 -", "moved 1 2", "new - 3"}));
  EXPECT_EQ(store.byLabel("app", "clear").size(), 2u);
  EXPECT_EQ(store.byLabel("app", "pay").size(), 1u);
  auto keys = store.keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/moved", "a/new", "a/same"}));
}

// What cannot be keyed is not cached, and says so instead of throwing.
TEST(Store, NonObjectsAndNamelessObjectsAreNotKept) {
  Store store;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(store.upsert(Json(5)).second, nullptr);
  EXPECT_EQ(store.upsert(Json::array({1})).second, nullptr);
  EXPECT_EQ(store.upsert({{"metadata", {{"name", 7}, {"namespace", "n"}}}}).second, nullptr);
  EXPECT_EQ(store.upsert({{"metadata", "p"}}).second, nullptr);
  Store::Batch batch = store.newBatch();
  batch.add(Json("x"));
  batch.add(obj("n", "kept", {{"app", 1}, {"tier", "web"}}));
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(batch.size(), 1u);
  store.replace(std::move(batch));
  EXPECT_EQ(store.size(), 1u);
  auto kept = store.get("n", "kept");
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)["metadata"]["labels"], Json({{"tier", "web"}})) << "a label that is not a string is dropped";
  EXPECT_NE(log.find("ignored a watched item that is not an object"), std::string::npos) << log;
  EXPECT_NE(log.find("metadata.labels.app"), std::string::npos) << log;
  EXPECT_NE(log.find("n/kept"), std::string::npos) << log;
}

// A trimmer that throws leaves the object out of the cache, logged, not thrown.
TEST(Store, ATrimmerThatThrowsLeavesTheObjectOut) {
  Store store([](Json& o) { o.at("spec").at("missing"); });
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(store.upsert(obj("n", "p", Json::object())).second, nullptr);
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_NE(log.find("n/p"), std::string::npos) << log;
}

}  // namespace
}  // namespace paymesh::kube
