#include "app/process.h"

#include <gtest/gtest.h>

#include <fstream>

#include "obs/log.h"

namespace paymesh::app {
namespace {

cli::Flags flagsOf(const std::vector<std::string>& args) {
  static const std::vector<cli::FlagSpec> kSpecs = {
      {"log-level", "", true, false, "LEVEL", "", "info"},
      {"log-format", "", true, false, "F", "", "text"},
      {"kubeconfig", "", true, false, "FILE", ""},
      {"context", "", true, false, "NAME", ""},
  };
  auto flags = cli::Flags::parse(kSpecs, args);
  EXPECT_TRUE(flags.isOk()) << flags.status().message();
  return *flags;
}

TEST(ProcessTest, VersionIsTheProjects) { EXPECT_STRNE(version(), ""); }

TEST(ProcessTest, LoggingFlagsAreCheckedAndApplied) {
  EXPECT_TRUE(configureLogging(flagsOf({"--log-level=warn", "--log-format=json"})).isOk());
  auto level = configureLogging(flagsOf({"--log-level=loud"}));
  EXPECT_EQ(level.message(), "--log-level: \"loud\" is not debug, info, warn or error");
  auto format = configureLogging(flagsOf({"--log-format=xml"}));
  EXPECT_EQ(format.message(), "--log-format: \"xml\" is not text or json");
  ASSERT_TRUE(configureLogging(flagsOf({})).isOk());  // back to the defaults for other tests
}

TEST(ProcessTest, AnUnreadableKubeconfigIsAUsageFailure) {
  auto r = connect(flagsOf({"--kubeconfig=/nonexistent/kubeconfig"}), "paymesh-test");
  const auto* f = std::get_if<Failure>(&r);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->exit_code, 2);
  EXPECT_NE(f->message.find("/nonexistent/kubeconfig"), std::string::npos) << f->message;
}

TEST(ProcessTest, MetricsAreOffAtZeroAndABadAddressFails) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto off = serveMetrics("0", registry);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<prometheus::Exposer>>(off));
  EXPECT_EQ(std::get<0>(off), nullptr);
  auto bad = serveMetrics("256.0.0.1:99999", registry);
  const auto* f = std::get_if<Failure>(&bad);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->exit_code, 1);
  EXPECT_EQ(f->message.rfind("--metrics-addr 256.0.0.1:99999: ", 0), 0u) << f->message;
  auto on = serveMetrics("127.0.0.1:0", registry);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<prometheus::Exposer>>(on));
  EXPECT_NE(std::get<0>(on), nullptr);
}

}  // namespace
}  // namespace paymesh::app
