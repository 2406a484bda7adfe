// How long a pass waits in real time for a moment on its clock: the system clock, a fast
// simulated one, and a manual one that only the test moves.

#include "operator/controller/pass_clock.h"

#include <gtest/gtest.h>

namespace paymesh::ctrl {
namespace {

using namespace std::chrono_literals;

const pki::TimePoint kFrom = std::chrono::system_clock::from_time_t(1780272000);

TEST(PassClockTest, RealTimeWaitsTheWholeDelay) {
  PassClock clock;
  EXPECT_EQ(clock.realDelay(kFrom + 200s, kFrom), 200s);
  EXPECT_EQ(clock.realDelay(kFrom + 200s, kFrom, 1min), 1min);
}

TEST(PassClockTest, FastClockScalesTheDelay) {
  PassClock clock;
  clock.clock_rate = 100;
  EXPECT_EQ(clock.realDelay(kFrom + 200s, kFrom), 2s);
  EXPECT_EQ(clock.realDelay(kFrom - 5s, kFrom), 10ms);  // overdue: at least 1 s of clock time, never under 10 ms
}

// No real delay reaches a moment on a clock the test moves: look again soon, whatever the
// distance, so the moment is met once the test has moved the clock there.
TEST(PassClockTest, ManualClockLooksAgainSoon) {
  PassClock clock;
  clock.clock_rate = PassClock::kManual;
  EXPECT_EQ(clock.realDelay(kFrom + 200s, kFrom), PassClock::kManualPoll);
  EXPECT_EQ(clock.realDelay(kFrom + std::chrono::hours(24 * 365), kFrom), PassClock::kManualPoll);
  EXPECT_EQ(clock.realDelay(kFrom + 200s, kFrom, 20ms), 20ms);
}

}  // namespace
}  // namespace paymesh::ctrl
