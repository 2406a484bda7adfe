#include "kube/lease_lock.h"

#include <gtest/gtest.h>

#include "emulator_fixture.h"
#include "kube/errors.h"

namespace paymesh::kube {
namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

TEST(LeaseDecisionTest, CreateAcquireRenewOrWait) {
  SteadyTime t0{};
  EXPECT_EQ(decideLease(std::nullopt, "a", t0, 15s, t0), LeaseAction::kCreate);
  LeaseRecord mine{"a", 15, "", "", 0};
  EXPECT_EQ(decideLease(mine, "a", t0, 15s, t0), LeaseAction::kRenew);
  LeaseRecord theirs{"b", 15, "", "", 0};
  EXPECT_EQ(decideLease(theirs, "a", t0, 15s, t0 + 14s), LeaseAction::kWait);
  EXPECT_EQ(decideLease(theirs, "a", t0, 15s, t0 + 15s), LeaseAction::kAcquire) << "silent for a whole lease";
  LeaseRecord released{"", 1, "", "", 3};
  EXPECT_EQ(decideLease(released, "a", t0, 15s, t0), LeaseAction::kAcquire);
}

TEST(LeaseDecisionTest, RecordAndMicroTime) {
  Json lease = {{"spec",
                 {{"holderIdentity", "a"},
                  {"leaseDurationSeconds", 15},
                  {"renewTime", "2026-01-02T03:04:05.000006Z"},
                  {"leaseTransitions", 2}}}};
  auto r = leaseRecordOf(lease);
  EXPECT_EQ(r.holder, "a");
  EXPECT_EQ(r.lease_duration_seconds, 15);
  EXPECT_EQ(r.transitions, 2);
  EXPECT_EQ(microTime(std::chrono::system_clock::from_time_t(1767323045) + 6us), "2026-01-02T03:04:05.000006Z");
}

class LeaderElectorTest : public testing::EmulatorTest {};

TEST_F(LeaderElectorTest, OneLeaderAtATimeAndReleaseHandsOver) {
  Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "paymesh-system"}}}};
  ASSERT_TRUE(client_->create(resources::kNamespaces, "", ns).isOk());
  LeaderElectionOptions o;
  o.lease_duration = 1500ms;
  o.renew_deadline = 1000ms;
  o.retry_period = 100ms;
  o.identity = "a";
  LeaderElector a(*client_, o);
  o.identity = "b";
  LeaderElector b(*client_, o);
  std::atomic<int> a_started{0}, b_started{0};
  std::jthread ta([&](std::stop_token st) {
    a.run(
        st, [&] { ++a_started; }, [] {});
  });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!a.isLeader() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(a.isLeader());
  std::jthread tb([&](std::stop_token st) {
    b.run(
        st, [&] { ++b_started; }, [] {});
  });
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(b.isLeader()) << "the holder keeps renewing";
  ta.request_stop();
  ta.join();
  ASSERT_TRUE(a.release().isOk());
  deadline = std::chrono::steady_clock::now() + 10s;
  while (!b.isLeader() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(b.isLeader());
  EXPECT_EQ(a_started.load(), 1);
  EXPECT_EQ(b_started.load(), 1);
  auto lease = client_->get(resources::kLeases, "paymesh-system", "paymesh-operator");
  ASSERT_TRUE(lease.isOk());
  EXPECT_EQ(lease->at("spec").at("holderIdentity"), "b");
  EXPECT_EQ(lease->at("spec").at("leaseTransitions"), 1);
}

// Each renewal opens the gate until the renew deadline after the renewal began, on the
// elector's clock; past it writes stop with the elector asleep, and losing or releasing
// the Lease closes the gate at once.
TEST_F(LeaderElectorTest, RenewalsOpenTheWriteGateUntilTheRenewDeadline) {
  Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "paymesh-system"}}}};
  ASSERT_TRUE(client_->create(resources::kNamespaces, "", ns).isOk());
  std::atomic<int64_t> now_ns{std::chrono::nanoseconds(1000h).count()};
  auto clock = [&] { return SteadyTime(std::chrono::nanoseconds(now_ns.load())); };
  LeaderElectionOptions o;
  o.identity = "a";
  o.lease_duration = 60min;
  o.renew_deadline = 30min;
  o.retry_period = 10min;  // real time: one attempt, then asleep for the rest of the test
  o.clock = clock;
  WriteGate gate(clock);
  LeaderElector a(*client_, o, &gate);
  std::atomic<bool> started{false};
  std::jthread ta([&](std::stop_token st) {
    a.run(
        st, [&] { started = true; }, [] {});
  });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!started && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(started);
  EXPECT_TRUE(gate.mayWrite());
  now_ns += std::chrono::nanoseconds(30min - 1ns).count();
  EXPECT_TRUE(gate.mayWrite());
  now_ns += 1;
  EXPECT_FALSE(gate.mayWrite()) << "the renew deadline passed while the elector slept";
  EXPECT_TRUE(a.isLeader()) << "the elector has not looked yet; the gate did not wait for it";
  ta.request_stop();
  ta.join();
  gate.renewed(clock(), o.renew_deadline);  // as if renewed just now: release still closes it
  ASSERT_TRUE(a.release().isOk());
  EXPECT_FALSE(gate.mayWrite());
}

}  // namespace
}  // namespace paymesh::kube
