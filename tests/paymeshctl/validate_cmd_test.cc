// paymeshctl validate, driven as a user would: the real binary, real files, exit codes
// and the FILE:LINE: NAMESPACE/NAME: FIELD.PATH: message lines.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/run_command.h"

namespace paymesh {
namespace {

using testing::paymeshctl;
using testing::runCommand;

const std::string kData = PAYMESH_SOURCE_DIR "/tests/testdata/validate";
const std::string kExamples = PAYMESH_SOURCE_DIR "/examples/payments";

TEST(ValidateCmdTest, ExamplesAreValid) {
  auto r = runCommand(paymeshctl() + " validate -f " + kExamples);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("5 PaymentServices valid, 0 invalid"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("note: skipping Deployment payments/payment (not a PaymentService)"), std::string::npos);
}

TEST(ValidateCmdTest, ErrorsNameFileLineObjectAndField) {
  std::string file = kData + "/invalid.yaml";
  auto r = runCommand(paymeshctl() + " validate -f " + file);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string want = file + ":12: payments/broken: spec.ports[0].port: must be at most 65535, got 70000\n" + file +
                     ":13: payments/broken: spec.ports[0].protocol: unsupported value \"QUIC\": must be one of "
                     "\"GRPC\", \"HTTP\", \"TCP\"\n" +
                     file + ":14: payments/broken: spec.colour: unknown field \"colour\"\n" + file +
                     ":17: payments/broken: spec.resilience.retry.attempts: must be at most 10, got 42\n" + file +
                     ":18: payments/broken: spec.resilience.retry.perTryTimeout: must be a duration such as 500ms, 2s "
                     "or 1h30m, got \"5 seconds\"\n" +
                     file + ":29: default/selfish: spec.discovery.ring.tableSize: tableSize must be a prime number\n" +
                     file + ":30: default/selfish: spec.dependencies: must not name the PaymentService itself\n";
  EXPECT_EQ(r.out, want);
  EXPECT_NE(r.err.find("skipping ConfigMap payments/other"), std::string::npos);
}

TEST(ValidateCmdTest, UnreadableInputExitsTwo) {
  auto missing = runCommand(paymeshctl() + " validate -f /nonexistent/file.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/file.yaml: no such file or directory"), std::string::npos);

  auto broken = runCommand(paymeshctl() + " validate -f -", "a: 1\nb: [1, 2\n");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("-:"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("invalid YAML"), std::string::npos) << broken.err;

  auto no_input = runCommand(paymeshctl() + " validate");
  EXPECT_EQ(no_input.exit_code, 2);
  auto bad_flag = runCommand(paymeshctl() + " validate --frobnicate");
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("unknown flag --frobnicate"), std::string::npos);
}

TEST(ValidateCmdTest, HostileInputsNeverCrash) {
  std::string huge_name =
      "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata:\n  name: " + std::string(1 << 20, 'a') +
      "\nspec: {selector: {matchLabels: {a: b}}, ports: [{name: p, port: 1}]}\n";
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  for (char c = 'b', p = 'a'; c <= 'j'; p = c, ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + p + ",*" + p + ",*" + p + ",*" + p + ",*" + p + ",*" + p + ",*" +
            p + ",*" + p + ",*" + p + ",*" + p + "]\n";
  }
  struct Case {
    std::string name, input;
    int want;
  } cases[] = {
      {"empty", "", 0},
      {"only separators", "---\n---\n", 0},
      {"scalar document", "just a string\n", 1},
      {"deep flow nesting", std::string(50000, '[') + std::string(50000, ']'), 2},
      {"alias bomb", bomb, 2},
      {"binary",
       std::string("\x7f"
                   "ELF\x02\x01\x01\x00\x00\x00",
                   10),
       2},
      {"wrong types", "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: x}\nspec: [1, 2]\n", 1},
      {"1 MiB name", huge_name, 1},
      {"number out of range",
       "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: x}\n"
       "spec: {selector: {matchLabels: {a: b}}, ports: [{name: p, port: 99999999999999999999999}]}\n",
       1},
  };
  for (const auto& c : cases) {
    auto r = runCommand(paymeshctl() + " validate -q -f -", c.input);
    EXPECT_EQ(r.exit_code, c.want) << c.name << "\nstdout: " << r.out.substr(0, 500)
                                   << "\nstderr: " << r.err.substr(0, 500);
    EXPECT_LT(r.out.size() + r.err.size(), 10000u) << c.name << ": output should not echo huge input";
  }
}

TEST(ValidateCmdTest, HelpDescribesEveryFlag) {
  auto top = runCommand(paymeshctl() + " --help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("validate"), std::string::npos);
  EXPECT_NE(top.out.find("crd"), std::string::npos);
  auto help = runCommand(paymeshctl() + " validate --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--file", "--mesh-config", "--quiet", "--help", "Exit codes"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

// Every subcommand reports a usage error the same way: exit 2, its name, what is wrong,
// and where the help is; -h prints the help with the flags and exits 0.
TEST(ValidateCmdTest, SubcommandsShareUsageErrorsAndHelp) {
  for (const char* cmd : {"validate", "render", "crd", "ca init", "cert issue"}) {
    auto bad = runCommand(paymeshctl() + " " + cmd + " --no-such-flag");
    EXPECT_EQ(bad.exit_code, 2) << cmd;
    EXPECT_EQ(bad.err, std::string("paymeshctl ") + cmd + ": unknown flag --no-such-flag; run 'paymeshctl " + cmd +
                           " --help'\n");
    auto help = runCommand(paymeshctl() + " " + cmd + " -h");
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_NE(help.out.find(std::string("Usage: paymeshctl ") + cmd), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("-h, --help"), std::string::npos) << help.out;
  }
  auto extra = runCommand(paymeshctl() + " crd surplus");
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_EQ(extra.err, "paymeshctl crd: unexpected argument \"surplus\"; run 'paymeshctl crd --help'\n");
}

TEST(ValidateCmdTest, ValidatesMeshConfig) {
  auto ok = runCommand(paymeshctl() + " validate --mesh-config " PAYMESH_SOURCE_DIR "/examples/mesh-config.yaml");
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  std::string bad = "/tmp/paymesh-bad-mesh-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(bad) << "trustDomain: Not A Domain\n";
  auto r = runCommand(paymeshctl() + " validate --mesh-config " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(bad + ":1: trustDomain: must be a lowercase RFC 1123 subdomain"), std::string::npos) << r.out;
  std::filesystem::remove(bad);
}

TEST(ValidateCmdTest, CrdCommandPrintsTheCheckedInCrd) {
  auto r = runCommand(paymeshctl() + " crd");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, testing::slurp(PAYMESH_SOURCE_DIR "/crds/paymesh.io_paymentservices.yaml"));
  auto j = runCommand(paymeshctl() + " crd -o json");
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(j.out)["kind"], "CustomResourceDefinition");
}

}  // namespace
}  // namespace paymesh
