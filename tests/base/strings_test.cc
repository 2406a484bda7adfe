#include "base/strings.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(StringsTest, QuotedEnclosesTheTextInItsMark) {
  EXPECT_EQ(quoted("a b"), "\"a b\"");
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("x", '`'), "`x`");
  EXPECT_EQ(quoted(std::string_view("abc").substr(0, 2)), "\"ab\"");
}

}  // namespace
}  // namespace paymesh
