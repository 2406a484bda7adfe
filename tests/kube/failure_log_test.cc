#include "kube/failure_log.h"

#include <gtest/gtest.h>

namespace paymesh::kube {
namespace {

using namespace std::chrono_literals;

TEST(FailureLogTest, FirstFailureThenOncePerPeriodOrWhenTheErrorChanges) {
  FailureLog log(60s);
  FailureLog::Clock::time_point t0{};
  EXPECT_TRUE(log.failed(t0, "404"));
  EXPECT_FALSE(log.failed(t0 + 1s, "404"));
  EXPECT_FALSE(log.failed(t0 + 59s, "404"));
  EXPECT_TRUE(log.failed(t0 + 60s, "404"));
  EXPECT_TRUE(log.failed(t0 + 61s, "503")) << "a different error is news";
  EXPECT_FALSE(log.failed(t0 + 62s, "503"));
  EXPECT_EQ(log.failures(), 6u);
}

TEST(FailureLogTest, RecoveryOfALoggedFailureIsLoggedOnce) {
  FailureLog log;
  FailureLog::Clock::time_point t0{};
  EXPECT_FALSE(log.succeeded()) << "nothing failed";
  log.failed(t0, "404");
  log.failed(t0 + 1s, "404");
  EXPECT_EQ(log.succeeded(), 2u);
  EXPECT_FALSE(log.succeeded()) << "once";
  EXPECT_EQ(log.failures(), 0u);
  EXPECT_TRUE(log.failed(t0 + 2s, "404")) << "a new failure after a recovery is logged again";
}

}  // namespace
}  // namespace paymesh::kube
