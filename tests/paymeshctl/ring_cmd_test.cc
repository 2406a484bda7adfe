// `paymeshctl ring`, run as the real binary: output and exit codes.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ring/hash.h"
#include "ring/ring_json.h"

namespace paymesh::ctl {
namespace {

struct Run {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string tempPath(const std::string& name) {
  return std::string(::testing::TempDir()) + "paymesh_ring_cmd_" + std::to_string(::getpid()) + "_" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Runs `paymeshctl ARGS` through the shell; ARGS is already shell-quoted.
Run paymeshctl(const std::string& args, const std::string& stdin_text = "") {
  const std::string err_path = tempPath("stderr");
  std::string cmd = std::string(PAYMESH_BINARY_DIR) + "/paymeshctl/paymeshctl " + args + " 2>" + err_path;
  if (!stdin_text.empty()) {
    const std::string in_path = tempPath("stdin");
    spit(in_path, stdin_text);
    cmd += " <" + in_path;
  } else {
    cmd += " </dev/null";
  }
  Run run;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return run;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) run.out.append(buf.data(), n);
  const int status = ::pclose(p);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = slurp(err_path);
  return run;
}

const std::string kSixHosts =
    "-e 127.0.0.1:90 -e 127.0.0.1:91 -e 127.0.0.1:92 -e 127.0.0.1:93 -e 127.0.0.1:94 -e 127.0.0.1:95";

// Envoy's Maglev Basic case: table 7, slots owned by :92 :94 :90 :91 :95 :90 :93.
TEST(RingCmdTest, MaglevTableMatchesEnvoy) {
  auto r = paymeshctl("ring table --algorithm maglev --table-size 7 " + kSixHosts);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "0 127.0.0.1:92\n1 127.0.0.1:94\n2 127.0.0.1:90\n3 127.0.0.1:91\n4 127.0.0.1:95\n5 127.0.0.1:90\n"
            "6 127.0.0.1:93\n");
}

// Envoy's ring hash Basic case: minimum_ring_size 12.
TEST(RingCmdTest, RingHashPointsAndPicksMatchEnvoy) {
  auto r = paymeshctl("ring table --algorithm ring-hash --min-ring-size 12 " + kSixHosts);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("833437586790550860 127.0.0.1:94\n928266305478181108 127.0.0.1:92\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("16117243373044804889 127.0.0.1:90\n"), std::string::npos);
  const std::string base = "ring lookup -a ring-hash --min-ring-size 12 " + kSixHosts;
  EXPECT_EQ(paymeshctl(base + " --hash 0").out, "127.0.0.1:94\n");
  EXPECT_EQ(paymeshctl(base + " --hash 18446744073709551615").out, "127.0.0.1:94\n");
  EXPECT_EQ(paymeshctl(base + " --hash 3551244743356806947").out, "127.0.0.1:95\n");
  EXPECT_EQ(paymeshctl(base + " --hash 3551244743356806948").out, "127.0.0.1:93\n");
  EXPECT_EQ(paymeshctl(base + " --hash 16117243373044804880").out, "127.0.0.1:90\n");
  auto murmur = paymeshctl(
      "ring lookup -a ring-hash --min-ring-size 12 --hash-function murmur2 -e 127.0.0.1:80 -e 127.0.0.1:81 "
      "-e 127.0.0.1:82 -e 127.0.0.1:83 -e 127.0.0.1:84 -e 127.0.0.1:85 --hash 1358027074129602069");
  EXPECT_EQ(murmur.out, "127.0.0.1:83\n") << murmur.err;
}

TEST(RingCmdTest, BuildThenLookupFromRingJson) {
  const std::string path = tempPath("ring.json");
  auto built = paymeshctl("ring build " + kSixHosts + " -e pod-a=3");
  ASSERT_EQ(built.code, 0) << built.err;
  spit(path, built.out);
  auto parsed = ring::parseRingJson(built.out);
  ASSERT_TRUE(parsed.isOk()) << parsed.status().toString();
  const std::string want = parsed->lookupKey("pay-123").key + "\n";
  // Positional key, --key, and the raw hash of the key all agree.
  EXPECT_EQ(paymeshctl("ring lookup --ring " + path + " pay-123").out, want);
  EXPECT_EQ(paymeshctl("ring lookup --ring " + path + " --key pay-123").out, want);
  EXPECT_EQ(paymeshctl("ring lookup --ring " + path + " --hash " + std::to_string(ring::xxHash64("pay-123"))).out,
            want);
  // Lookup from flags gives the same answer as from the file.
  EXPECT_EQ(paymeshctl("ring lookup " + kSixHosts + " -e pod-a=3 -k pay-123").out, want);
  // table also reads ring.json.
  auto table = paymeshctl("ring table --ring " + path);
  EXPECT_EQ(table.code, 0);
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 65537);
}

// The CLI prints the same bytes as the library golden files (Envoy's Basic cases).
TEST(RingCmdTest, BuildMatchesGoldenFiles) {
  const std::string dir = std::string(PAYMESH_SOURCE_DIR) + "/tests/testdata/ring/";
  auto maglev = paymeshctl("ring build --table-size 7 " + kSixHosts);
  EXPECT_EQ(maglev.code, 0) << maglev.err;
  EXPECT_EQ(maglev.out, slurp(dir + "maglev_basic.json"));
  auto ring_hash = paymeshctl("ring build -a ring-hash --min-ring-size 12 " + kSixHosts);
  EXPECT_EQ(ring_hash.code, 0) << ring_hash.err;
  EXPECT_EQ(ring_hash.out, slurp(dir + "ring_hash_basic.json"));
}

TEST(RingCmdTest, OutputIsIndependentOfInputOrder) {
  auto a = paymeshctl("ring build -a ring-hash -e b=2 -e a -e c");
  auto b = paymeshctl("ring build -a ring-hash -e c -e b=2 -e a");
  EXPECT_EQ(a.code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(RingCmdTest, EndpointsFileTextJsonAndStdin) {
  const std::string text = tempPath("eps.txt");
  spit(text, "# settlement pods\nsettlement-0\nsettlement-1=2\n\nsettlement-2\n");
  const std::string json = tempPath("eps.json");
  spit(json, R"(["settlement-2", {"key": "settlement-1", "weight": 2}, "settlement-0"])");
  auto a = paymeshctl("ring build --endpoints-file " + text);
  auto b = paymeshctl("ring build --endpoints-file " + json);
  auto c = paymeshctl("ring build --endpoints-file -", "settlement-1=2\nsettlement-0\nsettlement-2\n");
  auto d = paymeshctl("ring build -e settlement-0 -e settlement-1=2 -e settlement-2");
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out, c.out);
  EXPECT_EQ(a.out, d.out);
}

struct BadCase {
  std::string args;
  int code;
  std::string message;  // a substring of stderr
};

TEST(RingCmdTest, BadInputGivesClearErrorsAndExitCodes) {
  const std::string broken = tempPath("broken.json");
  auto good = paymeshctl("ring build -e a -e b");
  spit(broken, good.out.substr(0, good.out.size() / 2));
  const std::string tampered = tempPath("tampered.json");
  std::string t = good.out;
  t.replace(t.find("\"weight\": 1"), 11, "\"weight\": 2");
  spit(tampered, t);
  const std::string bad_eps = tempPath("bad_eps.txt");
  spit(bad_eps, "a\nb=zero\n");
  const std::string empty_eps = tempPath("empty_eps.txt");
  spit(empty_eps, "# none\n");

  const std::vector<BadCase> cases = {
      {"ring", 2, "Usage: paymeshctl ring"},
      {"ring frob", 2, "unknown subcommand"},
      {"ring build", 2, "no endpoints"},
      {"ring build -e a -e a", 1, "duplicate endpoint key \"a\""},
      {"ring build -e a=0", 1, "weight must be at least 1"},
      {"ring build -e a=-3", 1, "weight must be a positive integer"},
      {"ring build -e a=x", 1, "weight is not an integer"},
      {"ring build --table-size 65536 -e a", 1, "must be a prime number"},
      {"ring build --table-size 5000017 -e a", 2, "--table-size: must be between 2 and 5000011"},
      {"ring build --table-size abc -e a", 2, "--table-size: not a non-negative integer"},
      {"ring build -a ring-hash --min-ring-size 20 --max-ring-size 10 -e a", 1, "minimum ring size (20) > maximum"},
      {"ring build -a ring-hash --max-ring-size 9000000 -e a", 2, "--max-ring-size: must be between"},
      {"ring build -a ring-hash --table-size 7 -e a", 2, "--table-size applies to --algorithm maglev only"},
      {"ring build --min-ring-size 7 -e a", 2, "applies to --algorithm ring-hash only"},
      {"ring build -a random -e a", 2, "unknown ring algorithm"},
      {"ring build -a ring-hash --hash-function md5 -e a", 2, "unknown hash function"},
      {"ring build --bogus -e a", 2, "unknown flag --bogus"},
      {"ring build -e a extra", 2, "unexpected argument"},
      {"ring lookup -e a", 2, "give exactly one request key"},
      {"ring lookup -e a --key k --hash 1", 2, "give exactly one request key"},
      {"ring lookup -e a --hash -1", 2, "--hash: not a non-negative integer"},
      {"ring lookup --ring /nonexistent/ring.json k", 2, "cannot read /nonexistent/ring.json"},
      {"ring lookup --ring /dev/null -e a k", 2, "--ring and --endpoint cannot be combined"},
      {"ring lookup --ring " + broken + " k", 1, "not valid JSON"},
      {"ring lookup --ring " + tampered + " k", 1, "checksum"},
      {"ring build --endpoints-file " + bad_eps, 1, "line 2: endpoint \"b\": weight is not an integer"},
      {"ring build --endpoints-file " + empty_eps, 1, "no endpoints"},
  };
  for (const auto& c : cases) {
    auto r = paymeshctl(c.args);
    EXPECT_EQ(r.code, c.code) << c.args << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\nstderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

TEST(RingCmdTest, HelpDescribesEveryFlag) {
  auto top = paymeshctl("ring --help");
  EXPECT_EQ(top.code, 0);
  EXPECT_NE(top.out.find("lookup"), std::string::npos);
  auto help = paymeshctl("ring lookup --help");
  EXPECT_EQ(help.code, 0);
  for (const char* flag : {"--algorithm", "--table-size", "--min-ring-size", "--max-ring-size", "--hash-function",
                           "--endpoint", "--endpoints-file", "--ring", "--key", "--hash", "--help"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  auto build = paymeshctl("ring build --help");
  EXPECT_EQ(build.out.find("--ring"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::ctl
