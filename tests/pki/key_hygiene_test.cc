// Private keys never reach logs or error messages: everything the library prints, and
// every error it returns, during a full issue cycle (and its failure paths) is searched
// for key material.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>

#include "base/base64.h"
#include "pki/authority.h"
#include "pki/issue.h"
#include "pki/tls_context.h"
#include "pki/tls_secret.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::fixedNow;

// Redirects fds 1 and 2 into a file for its lifetime.
class CaptureOutput {
public:
  explicit CaptureOutput(const std::string& path) {
    std::fflush(stdout);
    std::fflush(stderr);
    file_ = std::fopen(path.c_str(), "w+");
    saved_out_ = dup(1);
    saved_err_ = dup(2);
    dup2(fileno(file_), 1);
    dup2(fileno(file_), 2);
  }
  ~CaptureOutput() {
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(saved_out_, 1);
    dup2(saved_err_, 2);
    close(saved_out_);
    close(saved_err_);
    std::fclose(file_);
  }
  CaptureOutput(const CaptureOutput&) = delete;
  CaptureOutput& operator=(const CaptureOutput&) = delete;

private:
  FILE* file_;
  int saved_out_;
  int saved_err_;
};

// What would betray a key: the PEM armour, each base64 line of its body, the base64 of
// its DER in one piece, and the base64 of the whole PEM (as a Secret's data holds it).
std::vector<std::string> keyFingerprints(const std::string& pem) {
  std::vector<std::string> out = {pem, base64Encode(pem)};
  std::string der_b64;
  size_t pos = 0;
  while (pos < pem.size()) {
    size_t nl = pem.find('\n', pos);
    std::string line = pem.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? pem.size() : nl + 1;
    if (line.rfind("-----", 0) == 0 || line.empty()) continue;
    der_b64 += line;
    if (line.size() >= 16) out.push_back(line);
  }
  out.push_back(der_b64);
  return out;
}

void expectNoKeyMaterial(const std::string& text, const std::vector<std::string>& key_pems, const std::string& where) {
  EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << where << ": " << text;
  for (const auto& pem : key_pems) {
    for (const auto& needle : keyFingerprints(pem)) {
      EXPECT_EQ(text.find(needle), std::string::npos) << where << " leaks key material";
    }
  }
}

TEST(KeyHygieneTest, NothingPrintedOrReturnedHoldsAKey) {
  testing::TempDir dir;
  std::vector<std::string> keys;
  std::vector<std::string> messages;
  auto note = [&](const Status& s) {
    if (!s.isOk()) messages.push_back(s.toString());
  };
  {
    CaptureOutput capture(dir.file("out.txt"));
    auto ca = CertificateAuthority::create({}, fixedNow());
    ASSERT_TRUE(ca.isOk());
    std::string ca_key = *ca->key().toPkcs8Pem();
    keys.push_back(ca_key);
    auto spec =
        workloadLeafSpec({"cluster.local", "payments", "settlement", "settlement"}, 24h, KeyAlgorithm::kEcdsaP256);
    auto issued = issueCertificate(*ca, *spec, fixedNow());
    ASSERT_TRUE(issued.isOk());
    std::string leaf_key = *issued->key.toPkcs8Pem();
    keys.push_back(leaf_key);
    auto webhook = issueCertificate(*ca, *webhookLeafSpec("hook", "paymesh-system", 24h), fixedNow());
    keys.push_back(*webhook->key.toPkcs8Pem());
    TrustBundle bundle({ca->certificate()});
    auto secret = tlsSecretData(*tlsSecretContent(*issued, bundle));
    ASSERT_TRUE(readTlsSecret(secret).isOk());

    // Every failure path that has a key in hand.
    note(CertificateAuthority::load(ca_key, ca->certificate().toPem(), fixedNow()).status());
    note(CertificateAuthority::load(ca->certificate().toPem(), leaf_key, fixedNow()).status());
    note(CertificateAuthority::load(ca->certificate().toPem(), ca_key.substr(0, ca_key.size() / 2), fixedNow())
             .status());
    std::string corrupted = ca_key;
    corrupted[40] = '#';
    note(CertificateAuthority::load(ca->certificate().toPem(), corrupted, fixedNow()).status());
    note(CertificateAuthority::load(ca->certificate().toPem(), ca_key, fixedNow() + 24h * 3700).status());
    note(PrivateKey::fromPem(ca_key + "trailing").status());
    note(parsePemCertificates(leaf_key).status());
    note(parsePemCertificates("-----BEGIN " + base64Encode(leaf_key) + "-----").status());
    note(TrustBundle::fromPem(leaf_key).status());
    auto swapped = secret;
    swapped["data"]["tls.crt"] = secret["data"]["tls.key"];
    note(readTlsSecret(swapped).status());
    auto mismatched = secret;
    mismatched["data"]["tls.key"] = base64Encode(keys[2]);
    note(readTlsSecret(mismatched).status());
    IssuedCertificate wrong = *issued;
    wrong.key = webhook->key;
    note(MtlsContext::create(MtlsContext::Role::kServer, wrong, bundle, "spiffe://cluster.local/ns/a/sa/b").status());
  }
  std::string printed = testing::readFile(dir.file("out.txt"));
  expectNoKeyMaterial(printed, keys, "library output");
  ASSERT_GE(messages.size(), 10u);
  for (const auto& m : messages) expectNoKeyMaterial(m, keys, "error \"" + m + "\"");
}

}  // namespace
}  // namespace paymesh::pki
