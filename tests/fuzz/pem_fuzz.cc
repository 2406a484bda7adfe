// libFuzzer target: PEM and certificate parsing, and everything read from untrusted
// input on the PKI side (keys, trust bundles, SPIFFE IDs, base64, TLS Secrets, CA
// loading). Any crash, leak or sanitizer report is a bug; errors are expected.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "pki/authority.h"
#include "pki/certificate.h"
#include "pki/spiffe.h"
#include "pki/tls_secret.h"
#include "pki/trust_bundle.h"

namespace {

using paymesh::pki::Certificate;

const auto kNow = std::chrono::system_clock::from_time_t(1780272000);

void inspect(const Certificate& c) {
  (void)c.toPem();
  (void)c.notBefore();
  (void)c.notAfter();
  (void)c.isValidAt(kNow);
  (void)c.dnsNames();
  (void)c.uris();
  (void)c.isCa();
  (void)c.isSelfSigned();
  (void)c.keyUsage();
  (void)c.subjectCommonName();
  (void)c.subject();
  (void)c.issuer();
  (void)c.serialHex();
  (void)c.fingerprintSha256();
  (void)c.isSignedBy(c);
  (void)paymesh::pki::verifyPeerSpiffeId(c, "spiffe://cluster.local/ns/a/sa/b");
  (void)paymesh::pki::validateCaCertificate(c, kNow);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  auto certs = paymesh::pki::parsePemCertificates(in);
  if (certs.isOk()) {
    for (const auto& c : *certs) inspect(c);
    paymesh::pki::TrustBundle bundle(*certs);
    (void)bundle.verify(certs->front(), *certs, kNow);
    (void)bundle.caBundle();
  }
  (void)Certificate::fromPem(in);
  (void)paymesh::pki::TrustBundle::fromPem(in);
  auto key = paymesh::pki::PrivateKey::fromPem(in);
  if (key.isOk()) {
    (void)key->algorithm();
    (void)key->toPkcs8Pem();
  }
  (void)paymesh::pki::parseSpiffeId(in);
  (void)paymesh::base64Decode(in);
  // Split the input into a certificate part and a key part for CA loading.
  size_t cut = in.find("-----BEGIN", 1);
  if (cut != std::string_view::npos) {
    auto ca = paymesh::pki::CertificateAuthority::load(in.substr(0, cut), in.substr(cut), kNow);
    if (ca.isOk()) (void)ca->chainForLeaves();
  }
  // As a Secret (JSON); exceptions are the adapter's to catch, as in production code.
  auto secret = nlohmann::json::parse(in.begin(), in.end(), nullptr, /*allow_exceptions=*/false);
  if (!secret.is_discarded()) (void)paymesh::pki::readTlsSecret(secret);
  return 0;
}
