#include "obs/log.h"

#include <gtest/gtest.h>

#include <thread>

namespace paymesh::obs {
namespace {

TEST(LogTest, TextAndJsonRecords) {
  EXPECT_EQ(formatLogRecord(LogFormat::kText, "T", LogLevel::kWarn, "reconcile failed", {{"name", "a b"}}),
            "ts=T level=warn msg=\"reconcile failed\" name=\"a b\"");
  EXPECT_EQ(formatLogRecord(LogFormat::kJson, "T", LogLevel::kInfo, "ok", {{"k", "v"}}),
            R"({"ts":"T","level":"info","msg":"ok","k":"v"})");
}

TEST(LogTest, ScopeFieldsGoOnEveryRecordOfTheThreadWhileOpen) {
  setLogFormat(LogFormat::kText);
  setLogLevel(LogLevel::kInfo);
  ::testing::internal::CaptureStderr();
  {
    LogScope pass({{"controller", "paymentservice"}, {"reconcile_id", "7"}});
    {
      LogScope inner(LogFields{{"phase", "apply"}});
      logInfo("inner", {{"k", "v"}});
    }
    logInfo("outer");
    std::thread([] { logInfo("other thread"); }).join();
  }
  logInfo("after");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("msg=inner controller=paymentservice reconcile_id=7 phase=apply k=v\n"), std::string::npos) << out;
  EXPECT_NE(out.find("msg=outer controller=paymentservice reconcile_id=7\n"), std::string::npos) << out;
  EXPECT_NE(out.find("msg=\"other thread\"\n"), std::string::npos) << out;
  EXPECT_NE(out.find("msg=after\n"), std::string::npos) << out;
  EXPECT_TRUE(scopeFields().empty());
}

}  // namespace
}  // namespace paymesh::obs
