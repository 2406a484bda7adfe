// End-to-end: writes are fenced by leadership. Two paymesh-operator replicas; the leader
// is paused (SIGSTOP) in the middle of a pass until the standby has taken the Lease, then
// resumed. What it still had to write must not land: the emulator's write log says which
// replica's writes landed when (each replica's user agent carries its identity).

#include <condition_variable>
#include <mutex>

#include "support/run_command.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

bool from(const emulator::ServedWrite& w, const std::string& identity) {
  return w.request.user_agent.find("(" + identity + ")") != std::string::npos;
}

// Holds the response to the first ConfigMap update a replica makes, so that it stays
// in the middle of its pass, until released.
class HeldResponse {
public:
  explicit HeldResponse(std::string identity) : identity_(std::move(identity)) {}
  void observe(const emulator::ServedWrite& w) {
    if (!from(w, identity_) || w.request.resource != "configmaps" || w.request.verb != "update" || w.status != 200)
      return;
    std::unique_lock lock(mu_);
    if (held_) return;
    held_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
  }
  bool waitHeld() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 60s, [this] { return held_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

private:
  std::string identity_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool released_ = false;
};

class LeaderFencingTest : public OperatorTest {
protected:
  void TearDown() override {
    if (held_) held_->release();  // never leave an emulator thread waiting
    emulator_->api().setWriteObserver(nullptr);
    OperatorTest::TearDown();
  }
  std::unique_ptr<HeldResponse> held_;
};

TEST_F(LeaderFencingTest, APausedLeaderLandsNoWriteAfterTheStandbyTookTheLease) {
  applyServices();
  applyPods();
  std::string kc = kubeconfigFile();
  auto args = [&](const std::string& id) { return electingReplicaArgs(kc, id); };
  const std::string a_log = ::testing::TempDir() + "/operator-fenced-a.log";
  OperatorProcess a(args("replica-a"), a_log);
  ASSERT_TRUE(waitFor([&] { return leaseHolder(*client_) == "replica-a"; }, 20s));
  OperatorProcess b(args("replica-b"), ::testing::TempDir() + "/operator-fenced-b.log");
  auto want = expectedConfigs();
  ASSERT_TRUE(waitFor([&] { return configMapsDiffer(want).empty() && allReady(); }, 60s)) << configMapsDiffer(want);

  // A change the leader must write (ConfigMaps, then status); it is paused with the
  // answer to its first ConfigMap update on the way, in the middle of its pass.
  held_ = std::make_unique<HeldResponse>("replica-a");
  emulator_->api().setWriteObserver([this](const emulator::ServedWrite& w) { held_->observe(w); });
  Json change = {{"spec", {{"resilience", {{"circuitBreaker", {{"maxConnections", 300}}}}}}}};
  ASSERT_TRUE(client_->patch(res::kPaymentServices, "payments", "ledger", kube::PatchType::kMerge, change).isOk());
  ASSERT_TRUE(held_->waitHeld()) << "replica-a never updated a ConfigMap";
  a.pause();
  held_->release();  // the answer waits in its socket
  ASSERT_TRUE(waitFor([&] { return leaseHolder(*client_) == "replica-b"; }, 30s));

  // Resumed: its pass goes on, and its next write is refused before its elector has
  // looked at the Lease again.
  a.resume();
  EXPECT_TRUE(waitFor(
      [&] {
        std::string log = paymesh::testing::slurp(a_log);
        return log.find("write refused") != std::string::npos && log.find("lost the leader Lease") != std::string::npos;
      },
      30s))
      << paymesh::testing::slurp(a_log);

  // The new leader converges the change.
  std::string svc_status;
  EXPECT_TRUE(waitFor(
      [&] {
        auto svc = client_->get(res::kPaymentServices, "payments", "ledger");
        if (!svc.isOk()) return false;
        svc_status = svc->value("status", Json::object()).dump();
        return allReady() && svc->at("status").value("observedGeneration", int64_t{0}) ==
                                 svc->at("metadata").value("generation", int64_t{0});
      },
      30s))
      << svc_status;

  // The log: from the standby's first Lease write on, nothing of replica-a landed.
  auto writes = emulator_->api().writes();
  size_t took = writes.size();
  for (size_t i = 0; i < writes.size() && took == writes.size(); ++i) {
    const auto& w = writes[i];
    if (from(w, "replica-b") && w.request.resource == "leases" && w.status / 100 == 2) took = i;
  }
  ASSERT_LT(took, writes.size()) << "no Lease write by replica-b";
  size_t landed = 0;
  for (size_t i = took; i < writes.size(); ++i) {
    const auto& w = writes[i];
    if (!from(w, "replica-a") || w.status / 100 != 2) continue;
    ++landed;
    ADD_FAILURE() << "replica-a landed " << w.request.verb << " " << w.request.resource << "/" << w.request.subresource
                  << " " << w.request.ns << "/" << w.request.name << " after replica-b took the Lease";
  }
  EXPECT_EQ(landed, 0u);
  EXPECT_EQ(b.terminate(), 0);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
