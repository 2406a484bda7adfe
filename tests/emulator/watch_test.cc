// Watches, served in-process: initial state, replay from a resourceVersion, selectors
// turning MODIFIED into ADDED/DELETED, bookmarks, 410 past the history, dropped streams.

#include "emulator/watch.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

// Collects `want` events (or until the watch ends) and returns them as "TYPE name" lines.
std::vector<std::string> watch(ApiServer& api, std::map<std::string, std::string> query, size_t want) {
  HttpRequest req;
  req.method = "GET";
  req.path = kConfigMaps;
  req.query = std::move(query);
  req.query["watch"] = "true";
  if (!req.query.count("timeoutSeconds")) req.query["timeoutSeconds"] = "5";
  std::vector<std::string> events;
  auto failed = api.streamWatch(req, [&](const std::string& line) {
    if (line.empty()) return true;
    json e = json::parse(line);
    std::string name = e["object"]["metadata"].value("name", "");
    if (e["type"] == "ERROR") name = std::to_string(e["object"]["code"].get<int>());
    events.push_back(e["type"].get<std::string>() + " " + name);
    return events.size() < want;
  });
  if (failed) events.push_back("HTTP " + std::to_string(failed->status));
  return events;
}

TEST(Watch, InitialStateThenReplayFromAResourceVersion) {
  TestApi t;
  EXPECT_TRUE(t.api.isWatch([] {
    HttpRequest r;
    r.method = "GET";
    r.query["watch"] = "1";
    return r;
  }()));
  t.post(kConfigMaps, configMap("a"));
  std::string rv = t.post(kConfigMaps, configMap("b")).body["metadata"]["resourceVersion"];
  EXPECT_EQ(watch(t.api, {}, 2), (std::vector<std::string>{"ADDED a", "ADDED b"}));
  t.patch(kConfigMaps + "/a", {{"data", {{"k", "v"}}}});
  t.del(kConfigMaps + "/b");
  EXPECT_EQ(watch(t.api, {{"resourceVersion", rv}}, 2), (std::vector<std::string>{"MODIFIED a", "DELETED b"}));
}

TEST(Watch, SelectorsSeeObjectsEnterAndLeave) {
  TestApi t;
  std::string rv = t.post(kConfigMaps, configMap("a")).body["metadata"]["resourceVersion"];
  t.patch(kConfigMaps + "/a", {{"metadata", {{"labels", {{"app", "pay"}}}}}});
  t.patch(kConfigMaps + "/a", {{"data", {{"k", "v"}}}});
  t.patch(kConfigMaps + "/a", {{"metadata", {{"labels", {{"app", "other"}}}}}});
  EXPECT_EQ(watch(t.api, {{"resourceVersion", rv}, {"labelSelector", "app=pay"}}, 3),
            (std::vector<std::string>{"ADDED a", "MODIFIED a", "DELETED a"}));
}

TEST(Watch, ExpiredHistoryGets410) {
  TestApi t;
  std::string rv = t.post(kConfigMaps, configMap("a")).body["metadata"]["resourceVersion"];
  t.post(kConfigMaps, configMap("b"));
  t.api.expireHistory();
  EXPECT_EQ(watch(t.api, {{"resourceVersion", rv}}, 1), (std::vector<std::string>{"ERROR 410"}));
  EXPECT_EQ(watch(t.api, {{"resourceVersion", "x"}}, 1), (std::vector<std::string>{"HTTP 400"}));
}

TEST(Watch, BookmarksAndTimeout) {
  Options o;
  o.bookmark_interval = std::chrono::milliseconds(50);
  TestApi t(o);
  std::string now = std::to_string(t.api.resourceVersion());
  auto events = watch(t.api, {{"allowWatchBookmarks", "true"}, {"resourceVersion", now}}, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].rfind("BOOKMARK", 0), 0u);
  EXPECT_TRUE(watch(t.api, {{"resourceVersion", now}, {"timeoutSeconds", "1"}}, 1).empty());  // ends by itself
}

TEST(Watch, DroppedStreamFault) {
  TestApi t;
  for (const char* n : {"a", "b", "c"}) t.post(kConfigMaps, configMap(n));
  Faults f;
  f.drop_watch_every = 2;
  t.api.setFaults(f);
  EXPECT_EQ(watch(t.api, {}, 3).size(), 2u);
}

}  // namespace
}  // namespace paymesh::emulator
