#pragma once
// The certificate authority that signs workload and webhook certificates: either a
// self-signed root paymesh creates, or a CA managed elsewhere loaded from PEM.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace paymesh::pki {

struct CaOptions {
  std::string common_name = "paymesh root CA";
  KeyAlgorithm key_algorithm = KeyAlgorithm::kEcdsaP256;
  std::chrono::seconds duration = std::chrono::hours(24 * 365 * 10);
};

class CertificateAuthority {
public:
  // A new self-signed root, valid from now (minus the clock-skew allowance) for
  // options.duration.
  static Result<CertificateAuthority> create(const CaOptions& options, TimePoint now);

  // A CA given as PEM: cert_pem holds the CA certificate first, then optionally the chain
  // up to (not necessarily including) its root. Refused, with an error saying which: a
  // certificate without CA:TRUE or without keyCertSign, one expired or not yet valid at
  // now, a key that does not match.
  static Result<CertificateAuthority> load(std::string_view cert_pem, std::string_view key_pem, TimePoint now);

  const Certificate& certificate() const { return cert_; }
  const PrivateKey& key() const { return key_; }
  // What follows a leaf in tls.crt: nothing for a root; the CA and its chain otherwise.
  std::vector<Certificate> chainForLeaves() const;
  // The fingerprint, used as the CA's identity in rotation plans.
  std::string id() const { return cert_.fingerprintSha256(); }

private:
  CertificateAuthority(Certificate cert, PrivateKey key, std::vector<Certificate> chain)
      : cert_(std::move(cert)), key_(std::move(key)), chain_(std::move(chain)) {}
  Certificate cert_;
  PrivateKey key_;
  std::vector<Certificate> chain_;  // above cert_, excluding it
};

// Checks a CA certificate alone (CA:TRUE, keyCertSign, valid at now).
Status validateCaCertificate(const Certificate& cert, TimePoint now);

}  // namespace paymesh::pki
