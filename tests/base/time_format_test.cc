#include "base/time_format.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(TimeFormatTest, Rfc3339WithAndWithoutFractions) {
  using namespace std::chrono;
  // 2026-11-27T11:06:56.123456Z
  system_clock::time_point t = system_clock::time_point(seconds(1795777616)) + microseconds(123456);
  EXPECT_EQ(formatRfc3339(t), "2026-11-27T11:06:56Z");
  EXPECT_EQ(formatRfc3339(t, 3), "2026-11-27T11:06:56.123Z");
  EXPECT_EQ(formatRfc3339(t, 6), "2026-11-27T11:06:56.123456Z");
  EXPECT_EQ(formatRfc3339(system_clock::time_point(seconds(0))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(system_clock::time_point(seconds(-1)) + milliseconds(500), 3), "1969-12-31T23:59:59.500Z");
}

TEST(TimeFormatTest, ParsesWhatItWritesAndOffsets) {
  using namespace std::chrono;
  system_clock::time_point t = system_clock::time_point(seconds(1795777616)) + microseconds(123456);
  for (int digits : {0, 3, 6}) {
    auto parsed = parseRfc3339(formatRfc3339(t, digits));
    ASSERT_TRUE(parsed.has_value()) << digits;
    EXPECT_EQ(formatRfc3339(*parsed, digits), formatRfc3339(t, digits));
  }
  EXPECT_EQ(parseRfc3339("2026-11-27T12:06:56+01:00"), parseRfc3339("2026-11-27T11:06:56Z"));
  EXPECT_EQ(parseRfc3339("2026-11-27T10:36:56-00:30"), parseRfc3339("2026-11-27T11:06:56Z"));
  EXPECT_EQ(parseRfc3339("2026-11-27T11:06:56.5Z"), *parseRfc3339("2026-11-27T11:06:56Z") + milliseconds(500));
  for (const char* bad : {"", "2026-11-27", "2026-11-27T11:06:56", "2026-11-27T11:06:56.Z", "2026-11-27T11:06:56Zx",
                          "2026-11-27T11:06:56+0100", "2026-11-27T11:06:56.1234567890Z", "yesterday"})
    EXPECT_FALSE(parseRfc3339(bad).has_value()) << bad;
}

// Dates a time point cannot hold (it spans 1677-09-21 to 2262-04-11) saturate at its ends,
// so "no expiry" stays late and year 1013 stays early, instead of wrapping (undefined).
TEST(TimeFormatTest, FarDatesSaturateAtTheEndsOfTheRange) {
  using namespace std::chrono;
  using Sys = system_clock::time_point;
  EXPECT_EQ(parseRfc3339("9999-12-31T23:59:59Z"), Sys::max());
  EXPECT_EQ(parseRfc3339("9999-12-31T23:59:59.999999999Z"), Sys::max());
  EXPECT_EQ(parseRfc3339("2262-04-12T00:00:00Z"), Sys::max());
  EXPECT_EQ(parseRfc3339("2262-04-11T23:47:16Z"), Sys(seconds(9223372036)));  // the last whole second held
  EXPECT_EQ(parseRfc3339("1013-05-01T00:00:00Z"), Sys::min());
  EXPECT_EQ(parseRfc3339("0001-01-01T00:00:00Z"), Sys::min());
  EXPECT_EQ(parseRfc3339("0001-01-01T00:00:00+14:00"), Sys::min());
  EXPECT_EQ(parseRfc3339("9999-12-31T23:59:59-14:00"), Sys::max());
  // And the ends print as the dates they are, without overflow.
  EXPECT_EQ(formatRfc3339(Sys::max(), 6), "2262-04-11T23:47:16.854775Z");
  EXPECT_EQ(formatRfc3339(Sys::min(), 6), "1677-09-21T00:12:43.145224Z");
  EXPECT_EQ(parseRfc3339(formatRfc3339(Sys::min())), Sys::min());
}

}  // namespace
}  // namespace paymesh
