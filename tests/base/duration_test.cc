#include "base/duration.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(DurationTest, ParsesGoDurations) {
  struct Case {
    const char* in;
    Nanos want;
  } cases[] = {
      {"0", Nanos(0)},
      {"0s", Nanos(0)},
      {"500ms", milliseconds(500)},
      {"2s", seconds(2)},
      {"1h30m", minutes(90)},
      {"1.5h", minutes(90)},
      {"24h", hours(24)},
      {"1m0.5s", milliseconds(60500)},
      {"10us", Nanos(10000)},
      {"10\xC2\xB5s", Nanos(10000)},
      {"3ns", Nanos(3)},
      {".5s", milliseconds(500)},
      {"+2s", seconds(2)},
      {"2h45m30.25s", hours(2) + minutes(45) + milliseconds(30250)},
  };
  for (const auto& c : cases) {
    auto r = parseDuration(c.in);
    ASSERT_TRUE(r.isOk()) << c.in << ": " << r.status().message();
    EXPECT_EQ(*r, c.want) << c.in;
  }
}

TEST(DurationTest, RejectsBadDurations) {
  for (const char* in :
       {"", "5", "s", "1d", "-1s", "1.s.", "1x", "abc", "1h 30m", "9999999999999999999h", "3000000h"}) {
    auto r = parseDuration(in);
    EXPECT_FALSE(r.isOk()) << in;
    if (!r.isOk()) {
      EXPECT_NE(r.status().message().find("invalid duration"), std::string::npos);
    }
  }
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(formatDuration(Nanos(0)), "0s");
  EXPECT_EQ(formatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(formatDuration(minutes(90)), "1h30m0s");
  EXPECT_EQ(formatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(formatDuration(hours(24)), "24h0m0s");
  EXPECT_EQ(formatDuration(Nanos(1500)), "1.5\xC2\xB5s");
}

TEST(DurationTest, FormatsProtoJson) {
  EXPECT_EQ(formatProtoDuration(seconds(30)), "30s");
  EXPECT_EQ(formatProtoDuration(milliseconds(500)), "0.5s");
  EXPECT_EQ(formatProtoDuration(milliseconds(2025)), "2.025s");
}

}  // namespace
}  // namespace paymesh
