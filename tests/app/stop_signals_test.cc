#include "app/stop_signals.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace paymesh::app {
namespace {

TEST(StopSignalsTest, SigtermRunsOnStopOnItsThread) {
  StopSignals signals;
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  signals.onStop([&] {
    std::lock_guard<std::mutex> lock(mu);
    stopped = true;
    cv.notify_all();
  });
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);  // blocked here, taken by the waiting thread
  std::unique_lock<std::mutex> lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return stopped; }));
}

TEST(StopSignalsTest, FinishWithoutASignalNeverCallsOnStop) {
  StopSignals signals;
  bool called = false;
  signals.onStop([&] { called = true; });
  signals.finish();
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace paymesh::app
