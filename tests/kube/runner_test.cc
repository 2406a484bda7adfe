#include "kube/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "kube/errors.h"
#include "obs/log.h"

namespace paymesh::kube {
namespace {

using namespace std::chrono_literals;

// Answers each pass from a script (the last answer repeats) and records the keys.
class ScriptedReconciler : public Reconciler {
public:
  using Answer = std::function<Result<Action>()>;
  explicit ScriptedReconciler(std::deque<Answer> answers) : answers_(std::move(answers)) {}
  Result<Action> reconcile(const ObjectKey& key) override {
    Answer a;
    {
      std::lock_guard lock(mu_);
      keys_.push_back(key);
      a = answers_.size() > 1 ? answers_.front() : answers_.back();
      if (answers_.size() > 1) answers_.pop_front();
    }
    return a();
  }
  std::vector<ObjectKey> keys() const {
    std::lock_guard lock(mu_);
    return keys_;
  }

private:
  mutable std::mutex mu_;
  std::deque<Answer> answers_;
  std::vector<ObjectKey> keys_;
};

ScriptedReconciler::Answer ok(std::optional<std::chrono::milliseconds> after = std::nullopt) {
  return [after] { return Result<Action>(Action{after}); };
}
ScriptedReconciler::Answer fails(Status s) {
  return [s] { return Result<Action>(s); };
}

struct ManualClock {
  std::shared_ptr<WorkQueue::Clock::time_point> t = std::make_shared<WorkQueue::Clock::time_point>();
  void advance(WorkQueue::Clock::duration d) { *t += d; }
};

RunnerOptions options(const ManualClock& clock) {
  RunnerOptions o;
  o.controller = "test";
  o.queue.base_backoff = 10ms;
  o.queue.max_backoff = 1s;
  o.queue.now = [t = clock.t] { return *t; };
  return o;
}

const ObjectKey kKey{"payments", "settlement"};

TEST(RunnerTest, SuccessRequeuesAfterWhatThePassAsked) {
  ManualClock clock;
  ScriptedReconciler r({ok(5min)});
  Runner runner(r, options(clock));
  runner.enqueue(kKey);
  ASSERT_TRUE(runner.processNext());
  EXPECT_FALSE(runner.processNext()) << "nothing due yet";
  clock.advance(5min);
  ASSERT_TRUE(runner.processNext());
  EXPECT_EQ(r.keys(), (std::vector<ObjectKey>{kKey, kKey}));
  EXPECT_EQ(runner.passes(), 2u);
  EXPECT_EQ(runner.failures(), 0u);
}

TEST(RunnerTest, ErrorsBackOffPerKeyAndSuccessForgets) {
  ManualClock clock;
  Status down(Code::kUnavailable, "down");
  ScriptedReconciler r({fails(down), fails(down), ok(), fails(down), ok()});
  int retries = 0;
  RunnerOptions o = options(clock);
  o.on_retry = [&] { ++retries; };
  Runner runner(r, o);
  runner.enqueue(kKey);
  ASSERT_TRUE(runner.processNext());  // fails: back in 10ms
  clock.advance(9ms);
  EXPECT_FALSE(runner.processNext());
  clock.advance(1ms);
  ASSERT_TRUE(runner.processNext());  // fails again: 20ms
  clock.advance(19ms);
  EXPECT_FALSE(runner.processNext());
  clock.advance(1ms);
  ASSERT_TRUE(runner.processNext());  // succeeds: failures forgotten
  EXPECT_EQ(runner.queue().failures(kKey.str()), 0);
  runner.enqueue(kKey);
  ASSERT_TRUE(runner.processNext());  // fails: from the base again
  clock.advance(10ms);
  EXPECT_TRUE(runner.processNext());
  EXPECT_EQ(retries, 3);
  EXPECT_EQ(runner.failures(), 3u);
}

TEST(RunnerTest, ThrottledPassWaitsForRetryAfter) {
  ManualClock clock;
  ApiError throttled;
  throttled.http_status = 429;
  throttled.reason = "TooManyRequests";
  throttled.retry_after = 3s;
  ScriptedReconciler r({fails(toStatus(throttled, "patch status")), ok()});
  Runner runner(r, options(clock));
  runner.enqueue(kKey);
  ASSERT_TRUE(runner.processNext());
  clock.advance(2999ms);
  EXPECT_FALSE(runner.processNext()) << "the 10ms backoff does not cut the server's 3s short";
  clock.advance(1ms);
  EXPECT_TRUE(runner.processNext());
}

TEST(RunnerTest, AnExceptionIsAFailedPassWithBackoff) {
  ManualClock clock;
  ScriptedReconciler r({[]() -> Result<Action> { throw std::runtime_error("type_error: not a string"); }, ok()});
  std::vector<bool> outcomes;
  RunnerOptions o = options(clock);
  o.on_pass = [&](bool ok, double) { outcomes.push_back(ok); };
  Runner runner(r, o);
  runner.enqueue(kKey);
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(runner.processNext());
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("reconcile threw: type_error: not a string"), std::string::npos) << log;
  EXPECT_EQ(runner.failures(), 1u);
  clock.advance(10ms);
  EXPECT_TRUE(runner.processNext()) << "retried with backoff";
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true}));
}

TEST(RunnerTest, EveryRecordOfAPassNamesItsControllerObjectAndReconcileId) {
  ManualClock clock;
  obs::setLogFormat(obs::LogFormat::kText);
  obs::setLogLevel(obs::LogLevel::kInfo);
  ScriptedReconciler r({[]() -> Result<Action> {
                          obs::logInfo("mesh CA changed");
                          return Status(Code::kUnavailable, "down");
                        },
                        ok()});
  Runner runner(r, options(clock));
  runner.enqueue(kKey);
  ::testing::internal::CaptureStderr();
  runner.processNext();
  std::string log = ::testing::internal::GetCapturedStderr();
  for (const char* line : {"msg=\"mesh CA changed\" controller=test namespace=payments name=settlement reconcile_id=",
                           "msg=\"reconcile failed\" controller=test namespace=payments name=settlement reconcile_id="})
    EXPECT_NE(log.find(line), std::string::npos) << log;
  EXPECT_TRUE(obs::scopeFields().empty()) << "the scope closes with the pass";
}

TEST(RunnerTest, WorkersRunQueuedKeysAndStopFinishesThePassInFlight) {
  std::atomic<bool> entered{false}, release{false}, finished{false};
  ScriptedReconciler r({[&]() -> Result<Action> {
    entered = true;
    while (!release) std::this_thread::sleep_for(1ms);
    finished = true;
    return Action{};
  }});
  RunnerOptions o;
  o.workers = 2;
  Runner runner(r, o);
  runner.enqueue(kKey);
  runner.start();
  while (!entered) std::this_thread::sleep_for(1ms);
  std::jthread releaser([&] {
    std::this_thread::sleep_for(20ms);
    release = true;
  });
  runner.stop();
  EXPECT_TRUE(finished) << "stop() returned before the pass in flight ended";
  runner.enqueue(kKey);
  EXPECT_EQ(runner.queue().depth(), 0u) << "no intake after stop";
}

}  // namespace
}  // namespace paymesh::kube
