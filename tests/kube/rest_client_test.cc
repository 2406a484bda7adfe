#include "kube/rest_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "emulator_fixture.h"
#include "kube/errors.h"

namespace paymesh::kube {
namespace {

using resources::kConfigMaps;
using resources::kPods;
using testing::configMap;
using testing::EmulatorTest;
using testing::pod;

class RestClientTest : public EmulatorTest {};

TEST_F(RestClientTest, CreateGetUpdateDelete) {
  auto created = client_->create(kConfigMaps, "default", configMap("default", "a", {{"k", "v"}}));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  const Json& meta = (*created)["metadata"];
  EXPECT_FALSE(meta.value("uid", "").empty());
  EXPECT_FALSE(meta.value("creationTimestamp", "").empty());
  EXPECT_FALSE(meta.value("resourceVersion", "").empty());

  auto got = client_->get(kConfigMaps, "default", "a");
  ASSERT_TRUE(got.isOk());
  EXPECT_EQ((*got)["data"]["k"], "v");

  Json next = *got;
  next["data"]["k"] = "w";
  auto updated = client_->update(kConfigMaps, next);
  ASSERT_TRUE(updated.isOk()) << updated.status().toString();
  EXPECT_GT(std::stoull((*updated)["metadata"].value("resourceVersion", "0")),
            std::stoull(meta.value("resourceVersion", "0")));
  EXPECT_EQ((*updated)["metadata"]["uid"], meta["uid"]);

  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "a").isOk());
  EXPECT_TRUE(isNotFound(client_->get(kConfigMaps, "default", "a").status()));
}

TEST_F(RestClientTest, ResourceVersionIsClusterWideAndMonotonic) {
  auto a = client_->create(kConfigMaps, "default", configMap("default", "a"));
  auto b = client_->create(kPods, "default", pod("default", "b"));
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_LT(std::stoull((*a)["metadata"].value("resourceVersion", "")),
            std::stoull((*b)["metadata"].value("resourceVersion", "")));
}

TEST_F(RestClientTest, GenerateName) {
  Json cm = configMap("default", "");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "gen-";
  auto a = client_->create(kConfigMaps, "default", cm);
  auto b = client_->create(kConfigMaps, "default", cm);
  ASSERT_TRUE(a.isOk() && b.isOk());
  std::string na = (*a)["metadata"]["name"], nb = (*b)["metadata"]["name"];
  EXPECT_EQ(na.rfind("gen-", 0), 0u);
  EXPECT_EQ(na.size(), 9u);
  EXPECT_NE(na, nb);
}

TEST_F(RestClientTest, ErrorsAreValues) {
  EXPECT_EQ(client_->get(kConfigMaps, "default", "missing").status().code(), Code::kNotFound);
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "dup")).isOk());
  auto dup = client_->create(kConfigMaps, "default", configMap("default", "dup"));
  EXPECT_EQ(dup.status().code(), Code::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("already exists"), std::string::npos) << dup.status().message();

  Json bad = pod("default", "bad");
  bad["spec"]["containers"][0].erase("image");
  auto invalid = client_->create(kPods, "default", bad);
  EXPECT_EQ(invalid.status().code(), Code::kInvalidArgument);
  EXPECT_NE(invalid.status().message().find("spec.containers[0].image"), std::string::npos)
      << invalid.status().message();

  auto no_ns = client_->create(kConfigMaps, "nowhere", configMap("nowhere", "x"));
  EXPECT_EQ(no_ns.status().code(), Code::kNotFound);
}

TEST_F(RestClientTest, StaleUpdateConflicts) {
  auto created = client_->create(kConfigMaps, "default", configMap("default", "c", {{"n", "1"}}));
  ASSERT_TRUE(created.isOk());
  Json first = *created, second = *created;
  first["data"]["n"] = "2";
  ASSERT_TRUE(client_->update(kConfigMaps, first).isOk());
  second["data"]["n"] = "3";
  auto stale = client_->update(kConfigMaps, second);
  EXPECT_TRUE(isConflict(stale.status())) << stale.status().toString();
  EXPECT_NE(stale.status().message().find("the object has been modified"), std::string::npos);
}

// A write whose answer is not wanted is the same request: it lands, its errors are still
// errors, and what comes back is an empty object instead of the object parsed.
TEST_F(RestClientTest, AWriteWithoutItsAnswerLandsTheSameAndStillFails) {
  auto created = client_->create(kConfigMaps, "default", configMap("default", "q", {{"n", "1"}}), Answer::kNone);
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(*created, Json::object());
  auto got = client_->get(kConfigMaps, "default", "q");
  ASSERT_TRUE(got.isOk());
  Json next = *got;
  next["data"]["n"] = "2";
  auto updated = client_->update(kConfigMaps, next, Answer::kNone);
  ASSERT_TRUE(updated.isOk());
  EXPECT_EQ(*updated, Json::object());
  EXPECT_EQ((*client_->get(kConfigMaps, "default", "q"))["data"]["n"], "2");
  auto patched =
      client_->patch(kConfigMaps, "default", "q", PatchType::kMerge, {{"data", {{"n", "3"}}}}, false, Answer::kNone);
  ASSERT_TRUE(patched.isOk());
  EXPECT_EQ((*client_->get(kConfigMaps, "default", "q"))["data"]["n"], "3");
  EXPECT_TRUE(isConflict(client_->update(kConfigMaps, next, Answer::kNone).status())) << "stale, still refused";
  EXPECT_TRUE(isAlreadyExists(
      client_->create(kConfigMaps, "default", configMap("default", "q", {{"n", "1"}}), Answer::kNone).status()));
}

TEST_F(RestClientTest, NoOpUpdateKeepsResourceVersion) {
  auto created = client_->create(kConfigMaps, "default", configMap("default", "same", {{"n", "1"}}));
  ASSERT_TRUE(created.isOk());
  auto again = client_->update(kConfigMaps, *created);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ((*again)["metadata"]["resourceVersion"], (*created)["metadata"]["resourceVersion"]);
}

TEST_F(RestClientTest, ListWithSelectors) {
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "p1", {{"app", "a"}, {"tier", "web"}})).isOk());
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "p2", {{"app", "b"}})).isOk());
  ASSERT_TRUE(client_->create(kPods, "kube-system", pod("kube-system", "p3", {{"app", "a"}})).isOk());

  auto all = client_->list(kPods, "", {});
  ASSERT_TRUE(all.isOk());
  EXPECT_EQ(all->items.size(), 3u);
  EXPECT_FALSE(all->resource_version.empty());

  auto ns = client_->list(kPods, "default", {});
  ASSERT_TRUE(ns.isOk());
  EXPECT_EQ(ns->items.size(), 2u);

  ListOptions sel;
  sel.label_selector = "app=a";
  EXPECT_EQ(client_->list(kPods, "", sel)->items.size(), 2u);
  sel.label_selector = "app in (a,b),tier!=web";
  EXPECT_EQ(client_->list(kPods, "", sel)->items.size(), 2u);
  sel.label_selector = "!tier";
  EXPECT_EQ(client_->list(kPods, "", sel)->items.size(), 2u);
  sel.label_selector = "";
  sel.field_selector = "metadata.name=p2";
  auto by_field = client_->list(kPods, "", sel);
  ASSERT_EQ(by_field->items.size(), 1u);
  EXPECT_EQ(by_field->items[0]["metadata"]["name"], "p2");
  EXPECT_EQ(by_field->items[0]["kind"], "Pod");
  sel.field_selector = "status.phase=Pending,metadata.namespace=kube-system";
  EXPECT_EQ(client_->list(kPods, "", sel)->items.size(), 1u);

  sel.field_selector = "";
  sel.label_selector = "app in (a";
  EXPECT_EQ(client_->list(kPods, "", sel).status().code(), Code::kInvalidArgument);
}

TEST_F(RestClientTest, Pagination) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "cm" + std::to_string(i))).isOk());
  }
  ListOptions opts;
  opts.limit = 3;
  auto page1 = client_->list(kConfigMaps, "default", opts);
  ASSERT_TRUE(page1.isOk());
  EXPECT_EQ(page1->items.size(), 3u);
  ASSERT_FALSE(page1->continue_token.empty());
  opts.continue_token = page1->continue_token;
  auto page2 = client_->list(kConfigMaps, "default", opts);
  ASSERT_TRUE(page2.isOk());
  EXPECT_EQ(page2->items.size(), 3u);
  EXPECT_NE(page2->items[0]["metadata"]["name"], page1->items[0]["metadata"]["name"]);
  opts.continue_token = page2->continue_token;
  auto page3 = client_->list(kConfigMaps, "default", opts);
  ASSERT_TRUE(page3.isOk());
  EXPECT_EQ(page3->items.size(), 1u);
  EXPECT_TRUE(page3->continue_token.empty());

  opts.limit = 2;
  opts.continue_token.clear();
  auto all = listAll(*client_, kConfigMaps, "default", opts);
  ASSERT_TRUE(all.isOk());
  EXPECT_EQ(all->items.size(), 7u);

  opts.continue_token = "garbage";
  EXPECT_EQ(client_->list(kConfigMaps, "default", opts).status().code(), Code::kInvalidArgument);
}

TEST_F(RestClientTest, Patches) {
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "p", {{"a", "1"}, {"b", "2"}})).isOk());
  auto merged =
      client_->patch(kConfigMaps, "default", "p", PatchType::kMerge, {{"data", {{"a", nullptr}, {"c", "3"}}}});
  ASSERT_TRUE(merged.isOk()) << merged.status().toString();
  EXPECT_EQ((*merged)["data"], Json({{"b", "2"}, {"c", "3"}}));

  auto jp = client_->patch(kConfigMaps, "default", "p", PatchType::kJsonPatch,
                           Json::array({{{"op", "replace"}, {"path", "/data/b"}, {"value", "20"}},
                                        {{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"x", "y"}}}}}));
  ASSERT_TRUE(jp.isOk()) << jp.status().toString();
  EXPECT_EQ((*jp)["data"]["b"], "20");
  EXPECT_EQ((*jp)["metadata"]["labels"]["x"], "y");

  auto failed_test = client_->patch(kConfigMaps, "default", "p", PatchType::kJsonPatch,
                                    Json::array({{{"op", "test"}, {"path", "/data/b"}, {"value", "nope"}}}));
  EXPECT_EQ(failed_test.status().code(), Code::kInvalidArgument);

  // Strategic merge: containers merge by name instead of being replaced.
  Json p = pod("default", "sm");
  p["spec"]["containers"].push_back({{"name", "side"}, {"image", "side:1"}});
  ASSERT_TRUE(client_->create(kPods, "default", p).isOk());
  auto sm = client_->patch(kPods, "default", "sm", PatchType::kStrategicMerge,
                           {{"spec", {{"containers", {{{"name", "side"}, {"image", "side:2"}}}}}}});
  ASSERT_TRUE(sm.isOk()) << sm.status().toString();
  ASSERT_EQ((*sm)["spec"]["containers"].size(), 2u);
  EXPECT_EQ((*sm)["spec"]["containers"][0]["image"], "registry.example/app:1");
  EXPECT_EQ((*sm)["spec"]["containers"][1]["image"], "side:2");

  // A patch carrying a stale resourceVersion is a precondition: 409.
  auto stale = client_->patch(kConfigMaps, "default", "p", PatchType::kMerge,
                              {{"metadata", {{"resourceVersion", "1"}}}, {"data", {{"z", "1"}}}});
  EXPECT_TRUE(isConflict(stale.status())) << stale.status().toString();
  EXPECT_TRUE(isNotFound(client_->patch(kConfigMaps, "default", "nope", PatchType::kMerge, Json::object()).status()));
}

TEST_F(RestClientTest, DeletePreconditions) {
  auto created = client_->create(kConfigMaps, "default", configMap("default", "d"));
  ASSERT_TRUE(created.isOk());
  DeleteOptions wrong;
  wrong.precondition_uid = "not-the-uid";
  EXPECT_TRUE(isConflict(client_->remove(kConfigMaps, "default", "d", wrong)));
  DeleteOptions stale;
  stale.precondition_resource_version = "1";
  EXPECT_TRUE(isConflict(client_->remove(kConfigMaps, "default", "d", stale)));
  DeleteOptions right;
  right.precondition_uid = (*created)["metadata"]["uid"].get<std::string>();
  right.precondition_resource_version = (*created)["metadata"]["resourceVersion"].get<std::string>();
  EXPECT_TRUE(client_->remove(kConfigMaps, "default", "d", right).isOk());
  EXPECT_TRUE(isNotFound(client_->remove(kConfigMaps, "default", "d")));
}

TEST_F(RestClientTest, FinalizersHoldDeletion) {
  Json cm = configMap("default", "f");
  cm["metadata"]["finalizers"] = {"paymesh.io/cleanup"};
  ASSERT_TRUE(client_->create(kConfigMaps, "default", cm).isOk());
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "f").isOk());
  auto marked = client_->get(kConfigMaps, "default", "f");
  ASSERT_TRUE(marked.isOk());
  EXPECT_TRUE((*marked)["metadata"].contains("deletionTimestamp"));
  auto cleared =
      client_->patch(kConfigMaps, "default", "f", PatchType::kMerge, {{"metadata", {{"finalizers", nullptr}}}});
  ASSERT_TRUE(cleared.isOk()) << cleared.status().toString();
  EXPECT_TRUE(isNotFound(client_->get(kConfigMaps, "default", "f").status()));
}

TEST_F(RestClientTest, OwnerReferencesCollectDependents) {
  auto owner = client_->create(kConfigMaps, "default", configMap("default", "owner"));
  ASSERT_TRUE(owner.isOk());
  Json ref = {{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"name", "owner"},
              {"uid", (*owner)["metadata"]["uid"]},
              {"controller", true}};
  Json dep = configMap("default", "dep");
  dep["metadata"]["ownerReferences"] = {ref};
  Json grandchild = pod("default", "grandchild");
  ASSERT_TRUE(client_->create(kConfigMaps, "default", dep).isOk());
  auto dep_obj = client_->get(kConfigMaps, "default", "dep");
  grandchild["metadata"]["ownerReferences"] = {
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "dep"}, {"uid", (*dep_obj)["metadata"]["uid"]}}};
  ASSERT_TRUE(client_->create(kPods, "default", grandchild).isOk());
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "owner").isOk());
  EXPECT_TRUE(isNotFound(client_->get(kConfigMaps, "default", "dep").status()));
  EXPECT_TRUE(isNotFound(client_->get(kPods, "default", "grandchild").status()));

  // Orphan keeps the dependent and drops the reference.
  auto owner2 = client_->create(kConfigMaps, "default", configMap("default", "owner2"));
  Json dep2 = configMap("default", "dep2");
  dep2["metadata"]["ownerReferences"] = {
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner2"}, {"uid", (*owner2)["metadata"]["uid"]}}};
  ASSERT_TRUE(client_->create(kConfigMaps, "default", dep2).isOk());
  DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "owner2", orphan).isOk());
  auto kept = client_->get(kConfigMaps, "default", "dep2");
  ASSERT_TRUE(kept.isOk());
  EXPECT_FALSE((*kept)["metadata"].contains("ownerReferences"));
}

TEST_F(RestClientTest, StatusSubresourceAndGeneration) {
  auto created = client_->create(kPods, "default", pod("default", "s"));
  ASSERT_TRUE(created.isOk());
  EXPECT_EQ((*created)["metadata"]["generation"], 1);
  EXPECT_EQ((*created)["status"]["phase"], "Pending");

  Json st = *created;
  st["status"] = {{"phase", "Running"}, {"podIP", "10.0.0.7"}};
  st["spec"]["containers"][0]["image"] = "ignored:2";  // the status endpoint ignores spec
  auto after_status = client_->updateStatus(kPods, st);
  ASSERT_TRUE(after_status.isOk()) << after_status.status().toString();
  EXPECT_EQ((*after_status)["status"]["phase"], "Running");
  EXPECT_EQ((*after_status)["spec"]["containers"][0]["image"], "registry.example/app:1");
  EXPECT_EQ((*after_status)["metadata"]["generation"], 1);

  Json labels_only = *after_status;
  labels_only["metadata"]["labels"] = {{"x", "1"}};
  labels_only["status"] = {{"phase", "Failed"}};  // the main endpoint ignores status
  auto after_labels = client_->update(kPods, labels_only);
  ASSERT_TRUE(after_labels.isOk());
  EXPECT_EQ((*after_labels)["metadata"]["generation"], 1);
  EXPECT_EQ((*after_labels)["status"]["phase"], "Running");

  auto after_spec =
      client_->patch(kPods, "default", "s", PatchType::kMerge, {{"spec", {{"activeDeadlineSeconds", 30}}}});
  ASSERT_TRUE(after_spec.isOk());
  EXPECT_EQ((*after_spec)["metadata"]["generation"], 2);

  auto status_patch =
      client_->patch(kPods, "default", "s", PatchType::kMerge, {{"status", {{"phase", "Succeeded"}}}}, true);
  ASSERT_TRUE(status_patch.isOk());
  EXPECT_EQ((*status_patch)["status"]["phase"], "Succeeded");
  EXPECT_EQ((*status_patch)["metadata"]["generation"], 2);
}

TEST_F(RestClientTest, WatchStreamsEventsAsTheyArrive) {
  auto list = client_->list(kConfigMaps, "default", {});
  ASSERT_TRUE(list.isOk());
  std::mutex mu;
  std::vector<std::pair<EventType, std::string>> seen;
  std::atomic<int> count{0};
  std::stop_source stop;
  std::thread watcher([&] {
    WatchOptions opts;
    opts.resource_version = list->resource_version;
    Status s = client_->watch(
        kConfigMaps, "default", opts,
        [&](const WatchEvent& ev) {
          std::lock_guard<std::mutex> lock(mu);
          seen.emplace_back(ev.type, ev.object["metadata"].value("name", ""));
          if (ev.type != EventType::kBookmark) count++;
          return true;
        },
        stop.get_token());
    EXPECT_TRUE(s.isOk()) << s.toString();
  });
  auto waitFor = [&](int n) {
    for (int i = 0; i < 200 && count < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return count >= n;
  };
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "w1")).isOk());
  EXPECT_TRUE(waitFor(1));  // delivered while the stream stays open
  ASSERT_TRUE(client_->patch(kConfigMaps, "default", "w1", PatchType::kMerge, {{"data", {{"a", "b"}}}}).isOk());
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "w1").isOk());
  EXPECT_TRUE(waitFor(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));  // at least one bookmark
  stop.request_stop();
  watcher.join();
  std::lock_guard<std::mutex> lock(mu);
  std::vector<std::pair<EventType, std::string>> events;
  bool bookmark = false;
  for (const auto& e : seen) {
    if (e.first == EventType::kBookmark)
      bookmark = true;
    else
      events.push_back(e);
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].first, EventType::kAdded);
  EXPECT_EQ(events[1].first, EventType::kModified);
  EXPECT_EQ(events[2].first, EventType::kDeleted);
  EXPECT_TRUE(bookmark);
}

TEST_F(RestClientTest, WatchResumesFromResourceVersion) {
  auto a = client_->create(kConfigMaps, "default", configMap("default", "r1"));
  ASSERT_TRUE(a.isOk());
  std::string rv = (*a)["metadata"]["resourceVersion"];
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "r2")).isOk());
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "r3")).isOk());
  std::vector<std::string> names;
  WatchOptions opts;
  opts.resource_version = rv;
  opts.allow_bookmarks = false;
  opts.timeout = std::chrono::seconds(1);
  Status s = client_->watch(kConfigMaps, "default", opts,
                            [&](const WatchEvent& ev) {
                              names.push_back(ev.object["metadata"]["name"]);
                              return names.size() < 2;
                            },
                            {});
  EXPECT_TRUE(s.isOk()) << s.toString();
  EXPECT_EQ(names, (std::vector<std::string>{"r2", "r3"}));
}

TEST_F(RestClientTest, WatchSelectorAndInitialState) {
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "in", {{"app", "x"}})).isOk());
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "out", {{"app", "y"}})).isOk());
  WatchOptions opts;
  opts.label_selector = "app=x";
  opts.allow_bookmarks = false;
  std::vector<std::string> got;
  Status s = client_->watch(
      kPods, "", opts,
      [&](const WatchEvent& ev) {
        got.push_back(std::string(eventTypeName(ev.type)) + " " + ev.object["metadata"].value("name", ""));
        return false;
      },
      {});
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(got, (std::vector<std::string>{"ADDED in"}));
}

TEST_F(RestClientTest, WatchFromExpiredHistoryIsGone) {
  auto a = client_->create(kConfigMaps, "default", configMap("default", "old"));
  ASSERT_TRUE(a.isOk());
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "newer")).isOk());
  emulator_->api().expireHistory();
  WatchOptions opts;
  opts.resource_version = (*a)["metadata"]["resourceVersion"];
  Status s = client_->watch(kConfigMaps, "default", opts, [](const WatchEvent&) { return true; }, {});
  EXPECT_TRUE(isGone(s)) << s.toString();
  EXPECT_NE(s.message().find("too old resource version"), std::string::npos);
}

TEST_F(RestClientTest, ThrottlingHonoursRetryAfter) {
  emulator::Faults f;
  f.throttle_rate = 1.0;
  emulator_->api().setFaults(f);
  RestClientOptions no_retry;
  no_retry.max_throttle_retries = 0;
  auto c = newClient({}, no_retry);
  auto r = c->create(kConfigMaps, "default", configMap("default", "t"));
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  ASSERT_TRUE(retryAfterOf(r.status()).has_value()) << r.status().message();
  EXPECT_EQ(retryAfterOf(r.status())->count(), 1);

  // With retries, the client waits Retry-After and succeeds once throttling stops.
  RestClientOptions one_retry;
  one_retry.max_throttle_retries = 1;
  auto c2 = newClient({}, one_retry);
  std::thread lift([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    emulator_->api().setFaults({});
  });
  auto start = std::chrono::steady_clock::now();
  auto ok = c2->create(kConfigMaps, "default", configMap("default", "t"));
  lift.join();
  EXPECT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

TEST_F(RestClientTest, ServerAndConflictFaults) {
  emulator::Faults f;
  f.error_rate = 1.0;
  emulator_->api().setFaults(f);
  auto r = client_->create(kConfigMaps, "default", configMap("default", "e"));
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 500"), std::string::npos);
  f.error_rate = 0;
  f.conflict_rate = 1.0;
  emulator_->api().setFaults(f);
  EXPECT_TRUE(isConflict(client_->create(kConfigMaps, "default", configMap("default", "e")).status()));
  emulator_->api().setFaults({});
  EXPECT_TRUE(client_->get(kConfigMaps, "default", "missing").status().code() == Code::kNotFound);
}

TEST_F(RestClientTest, TransportError) {
  uint16_t port = emulator_->port();
  emulator_->stop();
  ClusterConfig cfg;
  cfg.server = "http://127.0.0.1:" + std::to_string(port);
  RestClientOptions opts;
  opts.request_timeout = std::chrono::seconds(2);
  auto c = newClient(cfg, opts);
  auto r = c->get(kConfigMaps, "default", "x");
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().toString();
  EXPECT_NE(r.status().message().find("transport error"), std::string::npos);
}

class AuthTest : public EmulatorTest {
  void SetUp() override {
    emulator::EmulatorOptions o;
    o.api.token = "secret";
    o.api.readonly_token = "viewer";
    startEmulator(o);
  }
};

TEST_F(AuthTest, UnauthorizedAndForbidden) {
  auto anon = newClient();
  EXPECT_EQ(anon->get(kConfigMaps, "default", "x").status().code(), Code::kUnauthenticated);
  ClusterConfig viewer;
  viewer.token = "viewer";
  auto v = newClient(viewer);
  EXPECT_EQ(v->get(kConfigMaps, "default", "x").status().code(), Code::kNotFound);
  EXPECT_EQ(v->create(kConfigMaps, "default", configMap("default", "x")).status().code(), Code::kPermissionDenied);
  ClusterConfig admin;
  admin.token = "secret";
  EXPECT_TRUE(newClient(admin)->create(kConfigMaps, "default", configMap("default", "x")).isOk());
}

}  // namespace
}  // namespace paymesh::kube
