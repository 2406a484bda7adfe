#include "kube/leader_gated_client.h"

#include <gtest/gtest.h>

#include "support/scripted_client.h"

namespace paymesh::kube {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedClient;
namespace res = resources;

// A monotonic clock the test moves.
struct ManualClock {
  WriteGate::TimePoint now{std::chrono::hours(1000)};
  WriteGate::Clock fn() {
    return [this] { return now; };
  }
};

TEST(WriteGateTest, ClosedUntilARenewalThenOpenUntilItsDeadline) {
  ManualClock clock;
  WriteGate gate(clock.fn());
  EXPECT_FALSE(gate.mayWrite()) << "no renewal yet";
  auto began = clock.now;
  clock.now += 300ms;  // the renewal's round trip
  gate.renewed(began, 2s);
  EXPECT_TRUE(gate.mayWrite());
  clock.now = began + 2s - 1ns;
  EXPECT_TRUE(gate.mayWrite()) << "just inside the deadline";
  clock.now = began + 2s;
  EXPECT_FALSE(gate.mayWrite()) << "the deadline counts from when the renewal began";
  clock.now += 1h;  // resumed long after: still refused, with nobody having told the gate
  EXPECT_FALSE(gate.mayWrite());
  gate.renewed(clock.now, 2s);
  EXPECT_TRUE(gate.mayWrite()) << "a new renewal opens it again";
  gate.close();
  EXPECT_FALSE(gate.mayWrite()) << "lost: closed at once, before the deadline";
}

TEST(WriteGateTest, WithoutElectionOpenUntilClosed) {
  ManualClock clock;
  WriteGate gate(clock.fn());
  gate.openWithoutLease();
  clock.now += 24h * 365;
  EXPECT_TRUE(gate.mayWrite());
  gate.close();
  EXPECT_FALSE(gate.mayWrite());
}

TEST(LeaderGatedClientTest, WritesPassOnlyWhileTheGateIsOpen) {
  ScriptedClient inner;
  ManualClock clock;
  WriteGate gate(clock.fn());
  LeaderGatedClient gated(inner, gate);
  Json cm = {{"metadata", {{"name", "a"}, {"namespace", "d"}}}};
  // Reads pass either way; writes are refused without reaching the server.
  inner.expectGet(res::kConfigMaps, "d", "a", cm);
  EXPECT_TRUE(gated.get(res::kConfigMaps, "d", "a").isOk());
  auto refused = gated.create(res::kConfigMaps, "d", cm);
  EXPECT_TRUE(isNotLeader(refused.status())) << refused.status().toString();
  EXPECT_TRUE(isNotLeader(gated.update(res::kConfigMaps, cm).status()));
  EXPECT_TRUE(isNotLeader(gated.updateStatus(res::kConfigMaps, cm).status()));
  EXPECT_TRUE(isNotLeader(gated.patch(res::kConfigMaps, "d", "a", PatchType::kMerge, Json::object(), false).status()));
  EXPECT_TRUE(isNotLeader(gated.remove(res::kConfigMaps, "d", "a", {})));
  EXPECT_FALSE(isNotLeader(Status(Code::kFailedPrecondition, "no mesh CA loaded")));
  // Renewed: they go through.
  gate.renewed(clock.now, 10s);
  inner.expectCreate(res::kConfigMaps, "d", "a").expectRemove(res::kConfigMaps, "d", "a");
  EXPECT_TRUE(gated.create(res::kConfigMaps, "d", cm).isOk());
  EXPECT_TRUE(gated.remove(res::kConfigMaps, "d", "a", {}).isOk());
  EXPECT_EQ(inner.calls().size(), 3u);
  // Past the deadline nothing passes, though nothing closed the gate (the elector did not run).
  clock.now += 10s;
  EXPECT_TRUE(isNotLeader(gated.create(res::kConfigMaps, "d", cm).status()));
  EXPECT_TRUE(isNotLeader(gated.patch(res::kConfigMaps, "d", "a", PatchType::kMerge, Json::object(), true).status()));
  EXPECT_EQ(inner.calls().size(), 3u);
}

}  // namespace
}  // namespace paymesh::kube
