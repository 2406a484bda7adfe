#include "base/saturating_time.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

using namespace std::chrono;
using Sys = system_clock::time_point;

TEST(SaturatingTimeTest, SecondsPastWhatATimePointHoldsClampToItsEnds) {
  EXPECT_EQ(timeFromUnixSeconds(0), Sys());
  EXPECT_EQ(timeFromUnixSeconds(1780272000), system_clock::from_time_t(1780272000));
  EXPECT_EQ(timeFromUnixSeconds(253402300799), Sys::max());  // 9999-12-31T23:59:59Z
  EXPECT_EQ(timeFromUnixSeconds(-62135596800), Sys::min());  // 0001-01-01T00:00:00Z
  EXPECT_EQ(timeFromUnixSeconds(INT64_MAX), Sys::max());
  EXPECT_EQ(timeFromUnixSeconds(INT64_MIN), Sys::min());
  EXPECT_EQ(timeFromUnixSeconds<steady_clock>(INT64_MAX), steady_clock::time_point::max());
}

TEST(SaturatingTimeTest, AddAndSubtractStopAtTheEnds) {
  const Sys now = system_clock::from_time_t(1780272000);
  EXPECT_EQ(saturatingAdd(now, hours(1)), now + hours(1));
  EXPECT_EQ(saturatingAdd(now, -hours(1)), now - hours(1));
  EXPECT_EQ(saturatingAdd(Sys::max(), seconds(1)), Sys::max());
  EXPECT_EQ(saturatingAdd(Sys::min(), -seconds(1)), Sys::min());
  EXPECT_EQ(saturatingAdd(now, hours::max()), Sys::max()) << "hours::max() in nanoseconds is past int64";
  EXPECT_EQ(saturatingAdd(now, milliseconds::min()), Sys::min());
  EXPECT_EQ(saturatingAdd(Sys::min(), hours(1)), Sys::min() + hours(1));
  EXPECT_EQ(saturatingSub(Sys::max(), Sys::min()), Sys::duration::max());
  EXPECT_EQ(saturatingSub(Sys::min(), Sys::max()), Sys::duration::min());
  EXPECT_EQ(saturatingSub(now + hours(2), now), hours(2));
  const auto boot = steady_clock::time_point(seconds(5));
  EXPECT_EQ(saturatingAdd(boot, milliseconds::max()), steady_clock::time_point::max());
}

}  // namespace
}  // namespace paymesh
