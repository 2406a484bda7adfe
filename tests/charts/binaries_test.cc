// The chart's containers run the binaries the image ships with flags they accept, and
// their probes hit what the binaries serve.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "charts/helm.h"

namespace paymesh::testing {
namespace {

using Json = nlohmann::json;

std::set<std::string> flagsOf(const std::string& binary) {
  auto help = runCommand(binary + " --help");
  EXPECT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> flags;
  std::regex flag_re("--([a-z][a-z-]*)");
  std::string text = help.out + help.err;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), flag_re); it != std::sregex_iterator(); ++it)
    flags.insert((*it)[1]);
  return flags;
}

// Every argument of the container is a flag of the binary; returns the flag names used.
std::set<std::string> checkArgs(const Json& container, const std::string& binary) {
  std::set<std::string> accepted = flagsOf(binary), used;
  for (const auto& a : container["args"]) {
    std::string arg = a.get<std::string>();
    EXPECT_EQ(arg.rfind("--", 0), 0u) << arg;
    std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
    EXPECT_TRUE(accepted.count(name)) << binary << " has no flag --" << name;
    used.insert(name);
  }
  return used;
}

TEST(ChartBinariesTest, OperatorContainerRunsTheImagesBinaryWithFlagsItAccepts) {
  Rendered r = helmTemplate({});
  ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
  const Json& c = r.get("Deployment", "paymesh-operator")["spec"]["template"]["spec"]["containers"][0];
  ASSERT_EQ(c["command"], Json::array({"/usr/local/bin/paymesh-operator"}));
  // The image copies every binary into /usr/local/bin.
  std::string dockerfile = slurp(PAYMESH_SOURCE_DIR "/Dockerfile");
  EXPECT_NE(dockerfile.find("paymesh-operator"), std::string::npos);
  EXPECT_NE(dockerfile.find("/usr/local/bin/"), std::string::npos);
  auto used = checkArgs(c, PAYMESH_BINARY_DIR "/operator/paymesh-operator");
  EXPECT_TRUE(used.count("leader-elect")) << "two replicas must elect a leader";
  EXPECT_TRUE(used.count("mesh-config"));
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"], "/readyz");
}

#ifdef PAYMESH_WEBHOOK_BINARY
TEST(ChartBinariesTest, WebhookContainerRunsTheImagesBinaryWithFlagsItAccepts) {
  Rendered r = helmTemplate({});
  ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
  const Json& c = r.get("Deployment", "paymesh-webhook")["spec"]["template"]["spec"]["containers"][0];
  ASSERT_EQ(c["command"], Json::array({"/usr/local/bin/paymesh-webhook"}));
  auto used = checkArgs(c, PAYMESH_WEBHOOK_BINARY);
  for (const char* f : {"cert-dir", "port", "mesh-config", "metrics-addr"}) EXPECT_TRUE(used.count(f)) << f;
}
#endif

}  // namespace
}  // namespace paymesh::testing
