// Injected faults: seeded, per kind of request, and set over HTTP.

#include "emulator/faults.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

std::string writeCodes(uint64_t seed) {
  TestApi t;
  Faults f;
  f.seed = seed;
  f.error_rate = 0.3;
  f.conflict_rate = 0.2;
  t.api.setFaults(f);
  std::string codes;
  for (int i = 0; i < 40; ++i)
    codes += std::to_string(t.post(kConfigMaps, configMap("c" + std::to_string(i))).status) + ",";
  return codes;
}

TEST(Faults, SameSeedSameFaults) {
  EXPECT_EQ(writeCodes(5), writeCodes(5));
  EXPECT_NE(writeCodes(5), writeCodes(6));
  EXPECT_NE(writeCodes(5).find("500"), std::string::npos);
  EXPECT_NE(writeCodes(5).find("409"), std::string::npos);
}

TEST(Faults, ThrottleSaysWhenToRetryAndReadsHaveTheirOwnRate) {
  FaultInjector injector;
  Faults f;
  f.throttle_rate = 1;
  injector.set(f);
  auto throttled = injector.draw(true);
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(throttled->headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  EXPECT_FALSE(injector.draw(false));  // reads are not throttled
  f = Faults{};
  f.read_error_rate = 1;
  injector.set(f);
  EXPECT_EQ(injector.draw(false)->status, 500);
  EXPECT_FALSE(injector.draw(true));
}

TEST(Faults, WritesToOneResourceAreRefusedForGood) {
  FaultInjector injector;
  injector.set(faultsFromJson(json::parse(R"({"refuseWritesTo":"configmaps"})")));
  for (int i = 0; i < 3; ++i) {
    auto refused = injector.draw(true, "configmaps");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 422);
    EXPECT_EQ(json::parse(refused->body)["reason"], "Invalid");
  }
  EXPECT_FALSE(injector.draw(false, "configmaps"));  // reads still answer
  EXPECT_FALSE(injector.draw(true, "secrets"));
}

TEST(Faults, FromJsonAndOverHttp) {
  Faults f = faultsFromJson(json::parse(R"({"seed":3,"dropWatchEvery":2,"latencyMs":7,"errorRate":0.5})"));
  EXPECT_EQ(f.seed, 3u);
  EXPECT_EQ(f.drop_watch_every, 2);
  EXPECT_EQ(f.latency_ms, 7);
  EXPECT_DOUBLE_EQ(f.error_rate, 0.5);
  TestApi t;
  EXPECT_EQ(t.post("/emulator/faults", {{"latencyMs", 150}}).status, 200);
  EXPECT_EQ(t.api.latencyMs(), 150);  // the HTTP layer sleeps this long before each response
  EXPECT_EQ(t.post("/emulator/faults", {{"seed", "x"}}).status, 400);
  EXPECT_EQ(t.get("/emulator/faults").status, 405);
  t.post(kConfigMaps, configMap("a"));
  t.post(kConfigMaps, configMap("b"));
  std::string token = t.get(kConfigMaps, {{"limit", "1"}}).body["metadata"]["continue"];
  t.post(kConfigMaps, configMap("c"));
  EXPECT_EQ(t.post("/emulator/faults", {{"expireHistory", true}}).status, 200);
  EXPECT_EQ(t.get(kConfigMaps, {{"limit", "1"}, {"continue", token}}).status, 410);
}

}  // namespace
}  // namespace paymesh::emulator
