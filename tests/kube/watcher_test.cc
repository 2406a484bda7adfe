#include "kube/watcher.h"

#include <gtest/gtest.h>

#include "support/scripted_client.h"

namespace paymesh::kube {
namespace {

using testing::ScriptedClient;
const auto& kCm = resources::kConfigMaps;

Json cm(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"namespace", "d"}, {"name", name}, {"resourceVersion", rv}}}};
}

TEST(Watcher, StateMachine) {
  ScriptedClient client;
  client.expectList(kCm, "d", Status(Code::kUnavailable, "down"))
      .expectList(kCm, "d", ObjectList{{cm("a", "5")}, "10", ""})
      .expectWatch(kCm, "d",
                   {{{EventType::kAdded, cm("b", "11")}, {EventType::kBookmark, cm("", "15")}}, Status::ok(), "10"})
      .expectWatch(kCm, "d", {{{EventType::kModified, cm("b", "16")}}, Status(Code::kUnavailable, "reset"), "15"})
      .expectWatch(kCm, "d", {{}, Status(Code::kGone, "too old"), "16"})
      .expectList(kCm, "d", ObjectList{{cm("b", "20")}, "20", ""});

  std::vector<std::string> seen;
  auto sink = [&](WatcherEvent&& ev) {
    switch (ev.kind) {
      case WatcherEvent::Kind::kListPage:
        seen.push_back("page " + std::to_string(ev.objects.size()) + (ev.first_page ? " first" : "") +
                       (ev.last_page ? " last" : ""));
        break;
      case WatcherEvent::Kind::kApplied: seen.push_back("apply " + ev.object["metadata"].value("name", "")); break;
      case WatcherEvent::Kind::kDeleted: seen.push_back("delete " + ev.object["metadata"].value("name", "")); break;
    }
  };
  Watcher w(client, kCm, "d", {}, {std::chrono::milliseconds(1), std::chrono::milliseconds(4)});
  std::stop_source stop;
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kBackoff);  // list failed
  EXPECT_EQ(w.lastError().code(), Code::kUnavailable);
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kRelist);
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);
  EXPECT_EQ(w.resourceVersion(), "10");
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);    // stream ended cleanly
  EXPECT_EQ(w.resourceVersion(), "15");                                 // from the bookmark
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kBackoff);  // stream broke
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);    // resume, not relist
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kRelist);   // 410
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);
  EXPECT_EQ(seen, (std::vector<std::string>{"page 1 first last", "apply b", "apply b", "page 1 first last"}));
  EXPECT_EQ(w.stats().relists, 3u);
  EXPECT_EQ(w.stats().gone, 1u);
  EXPECT_EQ(w.stats().errors, 2u);
}

// A relist comes page by page; one that fails part-way starts again from a first page, and
// the watch resumes from the list's resourceVersion.
TEST(Watcher, RelistsPageByPage) {
  ScriptedClient client;
  client.expectList(kCm, "d", ObjectList{{cm("a", "5"), cm("b", "6")}, "10", "next"})
      .expectList(kCm, "d", Status(Code::kUnavailable, "reset"))
      .expectList(kCm, "d", ObjectList{{cm("a", "5"), cm("b", "6")}, "12", "next"})
      .expectList(kCm, "d", ObjectList{{cm("c", "7")}, "12", ""})
      .expectWatch(kCm, "d", {{}, Status::ok(), "12"});
  std::vector<std::string> seen;
  auto sink = [&](WatcherEvent&& ev) {
    ASSERT_EQ(ev.kind, WatcherEvent::Kind::kListPage);
    std::string names;
    for (const auto& o : ev.objects) names += o["metadata"].value("name", "");
    seen.push_back(names + (ev.first_page ? " first" : "") + (ev.last_page ? " last" : ""));
  };
  Watcher w(client, kCm, "d", {}, {std::chrono::milliseconds(1), std::chrono::milliseconds(4)});
  std::stop_source stop;
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kBackoff);
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kRelist);
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);
  EXPECT_EQ(w.resourceVersion(), "12");
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kWatch);
  EXPECT_EQ(seen, (std::vector<std::string>{"ab first", "ab first", "c last"}));
}

TEST(Watcher, BackoffIsInterruptible) {
  ScriptedClient client;
  client.expectList(kCm, "", Status(Code::kUnavailable, "down"));
  Watcher w(client, kCm, "", {}, {std::chrono::seconds(30), std::chrono::seconds(60)});
  std::stop_source stop;
  auto sink = [](WatcherEvent&&) {};
  EXPECT_EQ(w.step(sink, stop.get_token()), Watcher::State::kBackoff);
  stop.request_stop();
  auto start = std::chrono::steady_clock::now();
  w.step(sink, stop.get_token());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace paymesh::kube
