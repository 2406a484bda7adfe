// paymeshctl ca init / cert issue, run as the real binary and cross-checked with the
// openssl command line.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "../pki/pki_test_util.h"
#include "base/base64.h"
#include "pki/authority.h"
#include "pki/certificate.h"
#include "pki/issue.h"

namespace paymesh::ctl {
namespace {

using namespace std::chrono_literals;
using pki::testing::readFile;
using pki::testing::run;
using pki::testing::TempDir;

const std::string kCtl = std::string(PAYMESH_BINARY_DIR) + "/paymeshctl/paymeshctl";
const std::string kId = "spiffe://cluster.local/ns/payments/sa/settlement";

// Every byte paymeshctl printed in this test, for the key-material check.
class PkiCmdTest : public ::testing::Test {
protected:
  pki::testing::CommandResult ctl(const std::string& args) {
    auto r = run(kCtl + " " + args);
    printed_ += r.output;
    return r;
  }
  static mode_t modeOf(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777;
  }
  std::string issueArgs(const std::string& ca, const std::string& out) {
    return "cert issue --ca " + ca + " --spiffe " + kId +
           " --dns settlement.payments.svc --dns settlement.payments.svc.cluster.local --duration 24h --out " + out;
  }
  TempDir dir_;
  std::string printed_;
};

TEST_F(PkiCmdTest, InitThenIssueVerifiesWithTheOpensslCli) {
  std::string ca = dir_.file("ca");
  std::string out = dir_.file("settlement");
  auto init = ctl("ca init --out " + ca);
  ASSERT_EQ(init.exit_code, 0) << init.output;
  EXPECT_NE(init.output.find("created CA \"CN=paymesh root CA\" (ECDSAP256)"), std::string::npos) << init.output;
  EXPECT_EQ(modeOf(ca + "/ca.key"), 0600u);
  EXPECT_EQ(modeOf(ca + "/ca.crt"), 0644u);
  EXPECT_EQ(readFile(ca + "/ca.key").rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);

  auto issue = ctl(issueArgs(ca, out));
  ASSERT_EQ(issue.exit_code, 0) << issue.output;
  EXPECT_NE(issue.output.find("URI:" + kId), std::string::npos);
  EXPECT_EQ(modeOf(out + "/tls.key"), 0600u);
  EXPECT_EQ(modeOf(out + "/tls.crt"), 0644u);
  EXPECT_EQ(modeOf(out + "/ca.crt"), 0644u);
  EXPECT_EQ(readFile(out + "/ca.crt"), readFile(ca + "/ca.crt"));

  auto verify = run("openssl verify -CAfile " + out + "/ca.crt " + out + "/tls.crt");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  auto text = run("openssl x509 -noout -text -in " + out + "/tls.crt");
  for (const char* expected : {"URI:spiffe://cluster.local/ns/payments/sa/settlement, DNS:settlement.payments.svc, "
                               "DNS:settlement.payments.svc.cluster.local",
                               "TLS Web Server Authentication, TLS Web Client Authentication",
                               "X509v3 Key Usage: critical\n                Digital Signature", "CA:FALSE"}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected << "\n" << text.output;
  }
  // The key is the certificate's: same public key.
  auto pub_key = run("openssl pkey -pubout -in " + out + "/tls.key");
  auto pub_crt = run("openssl x509 -noout -pubkey -in " + out + "/tls.crt");
  EXPECT_EQ(pub_key.output, pub_crt.output);
  // Lifetime: 24h plus the 5 minutes of clock-skew allowance.
  auto crt = pki::Certificate::fromPem(readFile(out + "/tls.crt"));
  ASSERT_TRUE(crt.isOk());
  EXPECT_EQ(crt->notAfter() - crt->notBefore(), 24h + 5min);
}

TEST_F(PkiCmdTest, RsaCaWithNameAndDuration) {
  std::string ca = dir_.file("ca");
  auto init = ctl("ca init --out " + ca + " --key-algorithm RSA3072 --duration 8760h --common-name 'payments mesh CA'");
  ASSERT_EQ(init.exit_code, 0) << init.output;
  auto text = run("openssl x509 -noout -text -in " + ca + "/ca.crt");
  EXPECT_NE(text.output.find("(3072 bit)"), std::string::npos);
  EXPECT_NE(text.output.find("Subject: CN = payments mesh CA"), std::string::npos);
  EXPECT_NE(text.output.find("CA:TRUE"), std::string::npos);
  auto crt = pki::Certificate::fromPem(readFile(ca + "/ca.crt"));
  EXPECT_EQ(crt->notAfter() - crt->notBefore(), 8760h + 5min);
  auto issue = ctl("cert issue --ca " + ca +
                   " --dns hook.paymesh-system.svc --server-only --key-algorithm RSA2048 --out " + dir_.file("hook"));
  ASSERT_EQ(issue.exit_code, 0) << issue.output;
  auto verify =
      run("openssl verify -purpose sslserver -CAfile " + dir_.file("hook/ca.crt") + " " + dir_.file("hook/tls.crt"));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  auto as_client =
      run("openssl verify -purpose sslclient -CAfile " + dir_.file("hook/ca.crt") + " " + dir_.file("hook/tls.crt"));
  EXPECT_NE(as_client.exit_code, 0);
}

TEST_F(PkiCmdTest, RefusesToOverwriteKeysWithoutForce) {
  std::string ca = dir_.file("ca");
  ASSERT_EQ(ctl("ca init --out " + ca).exit_code, 0);
  std::string key_before = readFile(ca + "/ca.key");
  auto again = ctl("ca init --out " + ca);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("ca.key already exists; pass --force to overwrite it"), std::string::npos)
      << again.output;
  EXPECT_EQ(readFile(ca + "/ca.key"), key_before);
  ASSERT_EQ(ctl("ca init --force --out " + ca).exit_code, 0);
  EXPECT_NE(readFile(ca + "/ca.key"), key_before);
  EXPECT_EQ(modeOf(ca + "/ca.key"), 0600u);

  std::string out = dir_.file("leaf");
  ASSERT_EQ(ctl(issueArgs(ca, out)).exit_code, 0);
  std::string leaf_key = readFile(out + "/tls.key");
  auto leaf_again = ctl(issueArgs(ca, out));
  EXPECT_EQ(leaf_again.exit_code, 2);
  EXPECT_NE(leaf_again.output.find("tls.key already exists"), std::string::npos) << leaf_again.output;
  EXPECT_EQ(readFile(out + "/tls.key"), leaf_key);
  ASSERT_EQ(ctl(issueArgs(ca, out) + " --force").exit_code, 0);
  EXPECT_NE(readFile(out + "/tls.key"), leaf_key);
}

TEST_F(PkiCmdTest, TrustAddsTheNextCaToTheBundle) {
  ASSERT_EQ(ctl("ca init --out " + dir_.file("old")).exit_code, 0);
  ASSERT_EQ(ctl("ca init --out " + dir_.file("new")).exit_code, 0);
  auto issue = ctl(issueArgs(dir_.file("old"), dir_.file("leaf")) + " --trust " + dir_.file("new/ca.crt"));
  ASSERT_EQ(issue.exit_code, 0) << issue.output;
  EXPECT_NE(issue.output.find("2 CAs"), std::string::npos);
  EXPECT_EQ(readFile(dir_.file("leaf/ca.crt")), readFile(dir_.file("old/ca.crt")) + readFile(dir_.file("new/ca.crt")));
  // A leaf of the new CA verifies against the old+new bundle.
  ASSERT_EQ(ctl(issueArgs(dir_.file("new"), dir_.file("leaf2"))).exit_code, 0);
  EXPECT_EQ(run("openssl verify -CAfile " + dir_.file("leaf/ca.crt") + " " + dir_.file("leaf2/tls.crt")).exit_code, 0);
}

TEST_F(PkiCmdTest, LoadsACaMadeElsewhere) {
  std::string ca = dir_.file("ext");
  auto r = run("mkdir -p " + ca + " && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=external -days 30 -keyout " +
               ca + "/ca.key -out " + ca + "/ca.crt -addext basicConstraints=critical,CA:TRUE");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto issue = ctl(issueArgs(ca, dir_.file("leaf")));
  ASSERT_EQ(issue.exit_code, 0) << issue.output;
  EXPECT_EQ(run("openssl verify -CAfile " + ca + "/ca.crt " + dir_.file("leaf/tls.crt")).exit_code, 0);
}

TEST_F(PkiCmdTest, BadInputsGiveClearErrorsAndExitCodes) {
  std::string ca = dir_.file("ca");
  ASSERT_EQ(ctl("ca init --out " + ca).exit_code, 0);
  auto now = std::chrono::system_clock::now();

  // A non-CA certificate with its key.
  std::string leafdir = dir_.file("notca");
  ASSERT_EQ(ctl(issueArgs(ca, leafdir)).exit_code, 0);
  run("cp " + leafdir + "/tls.crt " + leafdir + "/ca.crt && cp " + leafdir + "/tls.key " + leafdir + "/ca.key");
  // An expired CA.
  auto old = *pki::CertificateAuthority::create({"expired CA", pki::KeyAlgorithm::kEcdsaP256, 2h}, now - 48h);
  std::string expired = dir_.file("expired");
  run("mkdir -p " + expired);
  dir_.write("expired/ca.crt", old.certificate().toPem());
  dir_.write("expired/ca.key", *old.key().toPkcs8Pem());
  // A key that does not match.
  run("mkdir -p " + dir_.file("mismatch") + " && cp " + ca + "/ca.crt " + dir_.file("mismatch/ca.crt") + " && cp " +
      expired + "/ca.key " + dir_.file("mismatch/ca.key"));
  // Malformed PEM.
  run("mkdir -p " + dir_.file("garbage"));
  dir_.write("garbage/ca.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
  dir_.write("garbage/ca.key", readFile(ca + "/ca.key"));

  struct Case {
    std::string args;
    int code;
    std::string expect;
  };
  std::string out = " --out " + dir_.file("o");
  std::vector<Case> cases = {
      {"ca init", 2, "--out DIR is required"},
      {"ca init --out " + dir_.file("x") + " --key-algorithm DSA", 2,
       "unknown key algorithm \"DSA\"; expected one of ECDSAP256, RSA2048, RSA3072"},
      {"ca init --out " + dir_.file("x") + " --duration forever", 2, "--duration"},
      {"ca init --out " + dir_.file("x") + " --duration 10m", 2, "at least 1h"},
      {"ca init --out " + dir_.file("x") + " --bogus", 2, "unknown flag --bogus"},
      {"ca frobnicate", 2, "unknown subcommand \"frobnicate\""},
      {"cert issue --ca " + ca + out, 2, "give --spiffe ID and/or at least one --dns NAME"},
      {"cert issue --ca " + ca + " --spiffe https://x/y" + out, 2, "must start with \"spiffe://\""},
      {"cert issue --ca " + ca + " --dns Bad_Name" + out, 2, "DNS name"},
      {"cert issue --ca " + ca + " --dns a.svc --duration 9000h" + out, 2, "at most 8784h"},
      {"cert issue --ca " + ca + " --dns a.svc --key-algorithm P521" + out, 2, "unknown key algorithm"},
      {"cert issue --ca " + dir_.file("nope") + " --dns a.svc" + out, 2, "cannot read"},
      {"cert issue --ca " + leafdir + " --dns a.svc" + out, 1, "is not a CA: basicConstraints CA:TRUE is missing"},
      {"cert issue --ca " + expired + " --dns a.svc" + out, 1, "CA certificate \"CN=expired CA\" expired at"},
      {"cert issue --ca " + dir_.file("mismatch") + " --dns a.svc" + out, 1,
       "CA key does not match the CA certificate"},
      {"cert issue --ca " + dir_.file("garbage") + " --dns a.svc" + out, 1, "malformed certificate in PEM block 1"},
      {"cert issue --ca " + ca + " --dns a.svc --trust " + leafdir + "/tls.key" + out, 1,
       "is a private key where a certificate was expected"},
  };
  for (const auto& c : cases) {
    auto r = ctl(c.args);
    EXPECT_EQ(r.exit_code, c.code) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.file("o/tls.key")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("x")));
}

TEST_F(PkiCmdTest, HelpDescribesEveryFlag) {
  auto ca = ctl("ca init --help");
  EXPECT_EQ(ca.exit_code, 0);
  for (const char* f : {"--out", "--key-algorithm", "--duration", "--common-name", "--force"}) {
    EXPECT_NE(ca.output.find(f), std::string::npos) << f;
  }
  auto cert = ctl("cert issue --help");
  EXPECT_EQ(cert.exit_code, 0);
  for (const char* f : {"--ca", "--spiffe", "--dns", "--duration", "--key-algorithm", "--out", "--force", "--trust",
                        "--server-only", "--common-name"}) {
    EXPECT_NE(cert.output.find(f), std::string::npos) << f;
  }
  EXPECT_EQ(ctl("ca").exit_code, 2);
  EXPECT_EQ(ctl("cert --help").exit_code, 0);
}

// Everything paymeshctl prints across a full issue cycle, including its failures, is
// free of key material.
TEST_F(PkiCmdTest, NoKeyMaterialInAnythingPrinted) {
  std::string ca = dir_.file("ca");
  ASSERT_EQ(ctl("ca init --out " + ca).exit_code, 0);
  ASSERT_EQ(ctl(issueArgs(ca, dir_.file("a"))).exit_code, 0);
  ASSERT_EQ(ctl(issueArgs(ca, dir_.file("a")) + " --force").exit_code, 0);
  ASSERT_EQ(ctl(issueArgs(ca, dir_.file("b")) + " --key-algorithm RSA2048").exit_code, 0);
  ASSERT_EQ(ctl(issueArgs(ca, dir_.file("a"))).exit_code, 2);  // exists
  // Keys where certificates belong, and swapped files.
  run("mkdir -p " + dir_.file("swapped") + " && cp " + ca + "/ca.key " + dir_.file("swapped/ca.crt") + " && cp " + ca +
      "/ca.crt " + dir_.file("swapped/ca.key"));
  EXPECT_NE(ctl(issueArgs(dir_.file("swapped"), dir_.file("c"))).exit_code, 0);
  EXPECT_NE(ctl(issueArgs(ca, dir_.file("c")) + " --trust " + dir_.file("a/tls.key")).exit_code, 0);
  EXPECT_NE(ctl("cert issue --ca " + ca + " --spiffe " + paymesh::base64Encode(readFile(ca + "/ca.key")) + " --out " +
                dir_.file("d"))
                .exit_code,
            0);

  std::vector<std::string> keys = {readFile(ca + "/ca.key"), readFile(dir_.file("a/tls.key")),
                                   readFile(dir_.file("b/tls.key"))};
  ASSERT_FALSE(printed_.empty());
  EXPECT_EQ(printed_.find("PRIVATE KEY"), std::string::npos) << printed_;
  for (const auto& pem : keys) {
    ASSERT_NE(pem.find("BEGIN PRIVATE KEY"), std::string::npos);
    std::string der_b64;
    size_t pos = 0;
    while (pos < pem.size()) {
      size_t nl = pem.find('\n', pos);
      std::string line = pem.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.rfind("-----", 0) == 0) continue;
      der_b64 += line;
      // Any 24-character run of the key's base64 would be a leak.
      for (size_t i = 0; i + 24 <= line.size(); i += 8) {
        EXPECT_EQ(printed_.find(line.substr(i, 24)), std::string::npos) << "key material printed";
      }
    }
    EXPECT_EQ(printed_.find(der_b64), std::string::npos);
    // The base64 of the PEM (a Secret's data) past its constant armour and DER prefix.
    EXPECT_EQ(printed_.find(paymesh::base64Encode(pem).substr(84, 40)), std::string::npos);
  }
}

}  // namespace
}  // namespace paymesh::ctl
