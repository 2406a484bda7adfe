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

}  // namespace
}  // namespace paymesh
