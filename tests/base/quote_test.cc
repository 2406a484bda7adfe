#include "base/quote.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(QuoteTest, QuotedEnclosesTheTextInItsMark) {
  EXPECT_EQ(quoted("a b"), "\"a b\"");
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("x", '`'), "`x`");
  EXPECT_EQ(quoted(std::string_view("abc").substr(0, 2)), "\"ab\"");
}

TEST(QuoteTest, UntrustedTextIsCutAndUnprintablesReplaced) {
  EXPECT_EQ(quoteUntrusted("ok"), "\"ok\"");
  EXPECT_EQ(quoteUntrusted("a\nb\x01"), "\"a?b?\"");
  EXPECT_EQ(quoteUntrusted("abcdef", 3), "\"abc...\"");
}

}  // namespace
}  // namespace paymesh
