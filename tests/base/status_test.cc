#include "base/status.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return invalidArgument("odd: " + std::to_string(v));
  return v / 2;
}

Result<int> quarter(int v) {
  ASSIGN_OR_RETURN(int h, half(v));
  ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

Status checkEven(int v) {
  RETURN_IF_ERROR(half(v).status());
  return Status::ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.toString(), "OK");
}

TEST(StatusTest, ContextKeepsCode) {
  Status s = notFound("no such thing").withContext("loading x");
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "loading x: no such thing");
  EXPECT_EQ(s.toString(), "NotFound: loading x: no such thing");
}

TEST(ResultTest, PropagatesErrors) {
  EXPECT_EQ(*quarter(8), 2);
  Result<int> r = quarter(6);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(checkEven(4).isOk());
  EXPECT_EQ(checkEven(5).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace paymesh
