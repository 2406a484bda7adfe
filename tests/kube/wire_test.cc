#include "kube/wire.h"

#include <gtest/gtest.h>

#include "kube/errors.h"

namespace paymesh::kube {
namespace {

const std::string kWhat = "GET /api/v1/pods";

TEST(WireTest, ListPageFillsKindAndSkipsWhatIsNotAnObject) {
  auto page = parseListPage(Json::parse(R"({"metadata":{"resourceVersion":"9","continue":"c2"},
      "items":[{"metadata":{"name":"a"}}, 5, "x", null, {"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"}}]})"),
                            resources::kPods, kWhat);
  ASSERT_TRUE(page.isOk()) << page.status().toString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0]["kind"], "Pod");
  EXPECT_EQ(page->items[0]["apiVersion"], "v1");
  EXPECT_EQ(page->resource_version, "9");
  EXPECT_EQ(page->continue_token, "c2");
}

TEST(WireTest, MalformedListPagesAreErrorsOrReadAsEmpty) {
  auto not_object = parseListPage(Json::array(), resources::kPods, kWhat);
  ASSERT_FALSE(not_object.isOk());
  EXPECT_EQ(not_object.status().message(), kWhat + ": the list is not a JSON object");
  auto items = parseListPage({{"items", {{"a", 1}}}}, resources::kPods, kWhat);
  ASSERT_FALSE(items.isOk());
  EXPECT_EQ(items.status().message(), kWhat + ": the list's items are not a list");
  // Wrongly typed metadata reads as none (the list then resumes from nothing).
  auto meta =
      parseListPage({{"metadata", {{"resourceVersion", 9}, {"continue", Json::array()}}}}, resources::kPods, kWhat);
  ASSERT_TRUE(meta.isOk());
  EXPECT_EQ(meta->resource_version, "");
  EXPECT_EQ(meta->continue_token, "");
  EXPECT_TRUE(parseListPage({{"metadata", 1}, {"items", nullptr}}, resources::kPods, kWhat).isOk());
}

TEST(WireTest, WatchLines) {
  auto added = parseWatchLine(R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})", kWhat);
  ASSERT_TRUE(added.isOk());
  EXPECT_EQ(added->type, EventType::kAdded);
  EXPECT_EQ(added->object["metadata"]["name"], "a");
  auto gone = parseWatchLine(R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})", kWhat);
  ASSERT_FALSE(gone.isOk());
  EXPECT_EQ(gone.status().code(), Code::kGone);
  // A code that is not a number in HTTP's range is a 500.
  auto odd = parseWatchLine(R"({"type":"ERROR","object":{"code":"410"}})", kWhat);
  ASSERT_FALSE(odd.isOk());
  ApiError server_error;
  server_error.http_status = 500;
  EXPECT_EQ(odd.status().code(), toStatus(server_error, kWhat).code());
  struct Case {
    const char* line;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"{", "bad watch event: not JSON"},
           {"5", "bad watch event: not a JSON object"},
           {R"({"type":7,"object":{}})", "unknown watch event type \"\""},
           {R"({"type":"ADDED","object":5})", "bad watch event: its object is not a JSON object"},
           {R"({"type":"ADDED"})", "bad watch event: its object is not a JSON object"},
       }) {
    auto r = parseWatchLine(c.line, kWhat);
    ASSERT_FALSE(r.isOk()) << c.line;
    EXPECT_EQ(r.status().message(), kWhat + ": " + c.message) << c.line;
  }
}

}  // namespace
}  // namespace paymesh::kube
