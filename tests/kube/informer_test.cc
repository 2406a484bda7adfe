#include "kube/informer.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
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

class InformerTest : public EmulatorTest {
protected:
  // ns/name -> resourceVersion of what the server holds.
  std::map<std::string, std::string> serverState(const ResourceRef& res) {
    std::map<std::string, std::string> out;
    for (const auto& o : emulator_->api().objects(res.group, res.resource)) {
      out[Store::keyOf(o)] = o["metadata"].value("resourceVersion", "");
    }
    return out;
  }
  static std::map<std::string, std::string> storeState(const Store& store) {
    std::map<std::string, std::string> out;
    for (const auto& o : store.list()) out[Store::keyOf(*o)] = (*o)["metadata"].value("resourceVersion", "");
    return out;
  }
  bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cond();
  }
};

TEST_F(InformerTest, ListsWatchesAndCallsHandlers) {
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "a", {{"app", "pay"}})).isOk());
  InformerOptions opts;
  opts.trim = trimPod;
  Informer informer(*client_, kPods, "", opts);
  std::mutex mu;
  std::vector<std::string> log;
  informer.addHandlers({
      [&](const ObjectPtr& o) {
        std::lock_guard<std::mutex> l(mu);
        log.push_back("add " + (*o)["metadata"].value("name", ""));
      },
      [&](const ObjectPtr&, const ObjectPtr& n) {
        std::lock_guard<std::mutex> l(mu);
        log.push_back("update " + (*n)["metadata"].value("name", ""));
      },
      [&](const ObjectPtr& o) {
        std::lock_guard<std::mutex> l(mu);
        log.push_back("delete " + (*o)["metadata"].value("name", ""));
      },
  });
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(5)));
  ASSERT_TRUE(client_->create(kPods, "kube-system", pod("kube-system", "b", {{"app", "pay"}})).isOk());
  ASSERT_TRUE(client_->patch(kPods, "default", "a", PatchType::kMerge, {{"metadata", {{"labels", {{"app", "other"}}}}}})
                  .isOk());
  ASSERT_TRUE(client_->remove(kPods, "kube-system", "b").isOk());
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return log.size() >= 4;
  }));
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_EQ(log, (std::vector<std::string>{"add a", "add b", "update a", "delete b"}));
  }
  EXPECT_EQ(informer.store().byNamespace("default").size(), 1u);
  EXPECT_EQ(informer.store().byLabel("app", "other").size(), 1u);
  EXPECT_TRUE(informer.store().byLabel("app", "pay").empty());
  auto a = informer.store().get("default", "a");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->contains("spec") && (*a)["spec"].contains("containers"));  // trimmed
  informer.stop();
}

// A handler that throws, and a Pod whose status holds wrongly typed fields, end neither
// the informer's thread (before: std::terminate, the whole process) nor later events.
TEST_F(InformerTest, AThrowingHandlerOrAWronglyTypedPodDoesNotEndTheInformer) {
  auto bad = client_->create(kPods, "default", pod("default", "bad", {{"app", "pay"}}));
  ASSERT_TRUE(bad.isOk());
  (*bad)["status"] = {{"podIP", 7}, {"conditions", {{{"type", "Ready"}, {"status", 1}}, "x"}}};
  ASSERT_TRUE(client_->updateStatus(kPods, *bad).isOk());
  InformerOptions opts;
  opts.trim = trimPod;
  Informer informer(*client_, kPods, "", opts);
  std::mutex mu;
  std::vector<std::string> seen;
  informer.addHandlers({[&](const ObjectPtr& o) {
                          std::string name = (*o)["metadata"].value("name", "");
                          {
                            std::lock_guard<std::mutex> l(mu);
                            seen.push_back(name);
                          }
                          if (name != "good-2") throw std::runtime_error("handler cannot read " + name);
                        },
                        nullptr, nullptr});
  ::testing::internal::CaptureStderr();
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(5)));
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "good-1")).isOk());
  ASSERT_TRUE(client_->create(kPods, "default", pod("default", "good-2")).isOk());
  bool all = eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return seen.size() == 3;
  });
  informer.stop();
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(all) << log;
  EXPECT_EQ(seen, (std::vector<std::string>{"bad", "good-1", "good-2"}));
  auto cached = informer.store().get("default", "bad");
  ASSERT_TRUE(cached);
  EXPECT_EQ((*cached)["status"], Json({{"conditions", Json::array({{{"type", "Ready"}}})}}));
  EXPECT_NE(log.find("informer handler failed"), std::string::npos) << log;
  EXPECT_NE(log.find("handler cannot read good-1"), std::string::npos) << log;
  EXPECT_NE(log.find("status.conditions[0].status"), std::string::npos) << log;
}

TEST_F(InformerTest, ResyncReplaysCachedObjects) {
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "r")).isOk());
  InformerOptions opts;
  opts.resync = std::chrono::milliseconds(100);
  Informer informer(*client_, kConfigMaps, "default", opts);
  std::atomic<int> resyncs{0};
  informer.addHandlers({nullptr,
                        [&](const ObjectPtr& o, const ObjectPtr& n) {
                          if (o == n) resyncs++;
                        },
                        nullptr});
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(5)));
  EXPECT_TRUE(eventually([&] { return resyncs >= 2; }, std::chrono::seconds(3)));
}

TEST_F(InformerTest, RelistsAfterGone) {
  InformerOptions opts;
  Informer informer(*client_, kConfigMaps, "default", opts);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(5)));
  emulator::Faults drop;
  drop.drop_watch_every = 1;  // every stream ends after one event, so the informer resumes often
  emulator_->api().setFaults(drop);
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "g1")).isOk());
  emulator_->api().expireHistory();
  ASSERT_TRUE(client_->create(kConfigMaps, "default", configMap("default", "g2")).isOk());
  emulator_->api().expireHistory();
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "g1").isOk());
  EXPECT_TRUE(eventually([&] { return storeState(informer.store()) == serverState(kConfigMaps); }))
      << "store has " << storeState(informer.store()).size() << " objects";
}

// The informer ends equal to the server while the emulator drops watches every few events,
// forgets history (410) and fails a share of reads and writes with 500s.
class InformerFaultsTest : public InformerTest {
  void SetUp() override {
    emulator::EmulatorOptions o;
    o.api.history = 5;  // a lagging watch soon finds its resourceVersion expired
    startEmulator(o);
    client_ = newClient();
  }
};

TEST_F(InformerFaultsTest, SurvivesFaults) {
  InformerOptions opts;
  opts.page_size = 7;
  opts.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(50)};
  emulator::Faults f;
  f.seed = 7;
  f.drop_watch_every = 3;
  f.error_rate = 0.1;
  f.read_error_rate = 0.2;
  f.conflict_rate = 0.05;
  emulator_->api().setFaults(f);
  Informer informer(*client_, kConfigMaps, "", opts);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(5)));
  std::mt19937 rng(11);
  int writes = 0;
  for (int i = 0; i < 150; ++i) {
    std::string name = "cm" + std::to_string(rng() % 25);
    int op = static_cast<int>(rng() % 3);
    for (int attempt = 0; attempt < 20; ++attempt) {
      Status s;
      if (op == 0)
        s = client_->create(kConfigMaps, "default", configMap("default", name, {{"i", std::to_string(i)}})).status();
      else if (op == 1)
        s = client_->patch(kConfigMaps, "default", name, PatchType::kMerge, {{"data", {{"i", std::to_string(i)}}}})
                .status();
      else
        s = client_->remove(kConfigMaps, "default", name);
      if (s.isOk()) writes++;
      if (s.isOk() || isNotFound(s) || isAlreadyExists(s)) break;
    }
    if (i % 40 == 39) emulator_->api().expireHistory();
  }
  EXPECT_GT(writes, 30);
  // Make sure a 410 happens whatever the timing: reads fail while writes go on (the stream,
  // started under dropWatchEvery=3, ends within 3 events), then the history goes.
  emulator::Faults cut;
  cut.seed = 8;
  cut.drop_watch_every = 3;
  cut.read_error_rate = 1.0;
  emulator_->api().setFaults(cut);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        client_->create(kConfigMaps, "kube-system", configMap("kube-system", "cut" + std::to_string(i))).isOk());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  emulator_->api().expireHistory();
  emulator_->api().setFaults(f);
  EXPECT_TRUE(
      eventually([&] { return storeState(informer.store()) == serverState(kConfigMaps); }, std::chrono::seconds(15)))
      << "store " << storeState(informer.store()).size() << " vs server " << serverState(kConfigMaps).size();
  auto stats = informer.stats();
  RecordProperty("relists", std::to_string(stats.relists));
  EXPECT_GE(stats.watches, 2u);
  EXPECT_GE(stats.gone, 1u);
  EXPECT_GT(stats.relists, 1u);
  emulator_->api().setFaults({});
  informer.stop();
}

}  // namespace
}  // namespace paymesh::kube
