#include "kube/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace paymesh::kube {
namespace {

using namespace std::chrono_literals;

TEST(WorkQueueTest, DeduplicatesWaitingKeys) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.depth(), 0u);
}

// A requeue "in centuries" (a certificate that never expires) saturates at the clock's end
// instead of wrapping into the past and spinning the key at once.
TEST(WorkQueueTest, ADelayPastTheClocksRangeWaitsForeverInsteadOfWrapping) {
  WorkQueueOptions o;
  auto now = WorkQueue::Clock::time_point(std::chrono::hours(24 * 365));
  o.now = [&] { return now; };
  WorkQueue q(o);
  q.addAfter("a", std::chrono::milliseconds::max());
  EXPECT_EQ(q.tryGet(), std::nullopt);
  EXPECT_EQ(q.delayed(), 1u);
  now += std::chrono::hours(24 * 365 * 200);
  EXPECT_EQ(q.tryGet(), std::nullopt);
}

TEST(WorkQueueTest, KeyAddedWhileProcessingComesBackAfterDone) {
  WorkQueue q;
  q.add("a");
  auto k = q.get();
  ASSERT_EQ(k, "a");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.depth(), 0u) << "not handed to a second worker while in flight";
  q.done("a");
  EXPECT_EQ(q.depth(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.depth(), 0u);
}

TEST(WorkQueueTest, NeverTwoWorkersOnOneKey) {
  WorkQueue q;
  std::mutex mu;
  std::map<std::string, int> in_flight;
  std::atomic<int> violations{0}, processed{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        {
          std::lock_guard lock(mu);
          if (++in_flight[*key] > 1) ++violations;
        }
        std::this_thread::sleep_for(100us);
        {
          std::lock_guard lock(mu);
          --in_flight[*key];
        }
        ++processed;
        q.done(*key);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) q.add("k" + std::to_string(i % 5));
  // Wait for the queue to drain, then stop.
  for (int i = 0; i < 2000 && (q.depth() > 0 || q.processing() > 0); ++i) std::this_thread::sleep_for(5ms);
  q.shutDown();
  workers.clear();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GE(processed.load(), 5);
}

TEST(WorkQueueTest, BackoffDoublesPerKeyAndForgetResets) {
  WorkQueue q(WorkQueueOptions{std::chrono::milliseconds(10), std::chrono::milliseconds(50)});
  EXPECT_EQ(q.addRateLimited("a"), 10ms);
  EXPECT_EQ(q.addRateLimited("a"), 20ms);
  EXPECT_EQ(q.addRateLimited("a"), 40ms);
  EXPECT_EQ(q.addRateLimited("a"), 50ms);
  EXPECT_EQ(q.addRateLimited("b"), 10ms) << "per key";
  EXPECT_EQ(q.failures("a"), 4);
  q.forget("a");
  EXPECT_EQ(q.failures("a"), 0);
  EXPECT_EQ(q.addRateLimited("a"), 10ms);
}

TEST(WorkQueueTest, AddAfterDeliversOnceDueAndEarliestWins) {
  WorkQueue q;
  auto start = WorkQueue::Clock::now();
  q.addAfter("late", 10s);
  q.addAfter("a", 60s);
  q.addAfter("a", 20ms);  // earlier time replaces
  q.addAfter("a", 30s);   // later time ignored
  EXPECT_EQ(q.delayed(), 2u);
  EXPECT_EQ(q.depth(), 0u);
  auto k = q.get();
  EXPECT_EQ(k, "a");
  EXPECT_GE(WorkQueue::Clock::now() - start, 20ms);
  EXPECT_EQ(q.delayed(), 1u);
}

// A manual clock: timed keys come due exactly when the clock says, with no real wait.
struct ManualClock {
  std::shared_ptr<WorkQueue::Clock::time_point> t = std::make_shared<WorkQueue::Clock::time_point>();
  void advance(WorkQueue::Clock::duration d) { *t += d; }
  WorkQueueOptions options() const {
    WorkQueueOptions o;
    o.now = [t = t] { return *t; };
    return o;
  }
};

TEST(WorkQueueTest, TimedKeysFollowTheInjectedClock) {
  ManualClock clock;
  WorkQueue q(clock.options());
  q.addAfter("renew", 24h);
  q.addAfter("soon", 1s);
  EXPECT_EQ(q.tryGet(), std::nullopt);
  clock.advance(999ms);
  EXPECT_EQ(q.tryGet(), std::nullopt);
  clock.advance(1ms);
  EXPECT_EQ(q.tryGet(), "soon");
  q.done("soon");
  clock.advance(24h);
  EXPECT_EQ(q.tryGet(), "renew");
  EXPECT_EQ(q.delayed(), 0u);
}

TEST(WorkQueueTest, BackoffWaitsAtLeastWhatTheServerAsked) {
  ManualClock clock;
  WorkQueueOptions o = clock.options();
  o.base_backoff = 10ms;
  WorkQueue q(o);
  EXPECT_EQ(q.addRateLimited("a", 3s), 3000ms) << "Retry-After longer than the backoff wins";
  clock.advance(2s);
  EXPECT_EQ(q.tryGet(), std::nullopt);
  clock.advance(1s);
  EXPECT_EQ(q.tryGet(), "a");
  EXPECT_EQ(q.addRateLimited("b", 1ms), 10ms) << "a shorter one does not shorten the backoff";
}

TEST(WorkQueueTest, AddAfterZeroIsAdd) {
  WorkQueue q;
  q.addAfter("a", 0ms);
  EXPECT_EQ(q.depth(), 1u);
}

TEST(WorkQueueTest, ShutDownWakesWorkersAndStopsIntake) {
  WorkQueue q;
  std::optional<std::string> got = "x";
  std::jthread worker([&] { got = q.get(); });
  std::this_thread::sleep_for(10ms);
  q.shutDown();
  worker.join();
  EXPECT_FALSE(got.has_value());
  q.add("a");
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_TRUE(q.shuttingDown());
}

TEST(WorkQueueTest, WaitIdleWaitsForInFlightWork) {
  WorkQueue q;
  q.add("a");
  auto k = q.get();
  q.shutDown();
  EXPECT_FALSE(q.waitIdle(10ms));
  std::jthread finisher([&] {
    std::this_thread::sleep_for(20ms);
    q.done(*k);
  });
  EXPECT_TRUE(q.waitIdle(10s));
}

}  // namespace
}  // namespace paymesh::kube
