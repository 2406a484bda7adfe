#pragma once
// X.509 certificates: PEM parsing (one or a chain), and the fields paymesh inspects
// (validity, SANs, CA flag, usages, fingerprint). Values: copies share the X509.

#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/key.h"
#include "pki/ossl.h"

namespace paymesh::pki {

using TimePoint = std::chrono::system_clock::time_point;

struct KeyUsage {
  bool digital_signature = false;
  bool key_encipherment = false;
  bool key_cert_sign = false;
  bool crl_sign = false;
  bool server_auth = false;  // extended key usage
  bool client_auth = false;  // extended key usage
};

class Certificate {
public:
  Certificate(const Certificate& other);
  Certificate& operator=(const Certificate& other);
  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;
  ~Certificate() = default;

  // Exactly one certificate.
  static Result<Certificate> fromPem(std::string_view pem);
  // Takes a reference of its own on x509 (for peers from a TLS session).
  static Certificate fromX509(X509* x509);
  // Adopts a freshly built certificate.
  static Certificate adopt(ossl::X509Ptr x509) { return Certificate(std::move(x509)); }

  std::string toPem() const;
  // Saturated at TimePoint::min() / max() when past what a time point holds (a notAfter of
  // 99991231235959Z reads as max()).
  TimePoint notBefore() const;
  TimePoint notAfter() const;
  bool isValidAt(TimePoint t) const { return notBefore() <= t && t <= notAfter(); }
  std::vector<std::string> dnsNames() const;
  std::vector<std::string> uris() const;
  // basicConstraints CA:TRUE.
  bool isCa() const;
  bool isSelfSigned() const;
  KeyUsage keyUsage() const;
  std::string subjectCommonName() const;
  // RFC 2253 form, for messages.
  std::string subject() const;
  std::string issuer() const;
  std::string serialHex() const;
  // SHA-256 over the DER, lowercase hex: a stable identifier for a CA.
  std::string fingerprintSha256() const;
  bool matchesKey(const PrivateKey& key) const;
  // Whether this certificate's signature verifies under issuer's public key.
  bool isSignedBy(const Certificate& issuer) const;

  X509* get() const { return x509_.get(); }

private:
  explicit Certificate(ossl::X509Ptr x509) : x509_(std::move(x509)) {}
  ossl::X509Ptr x509_;
};

// One or more certificates in PEM, in order. Anything other than CERTIFICATE blocks is
// an error (a private key pasted into a certificate field is refused, not echoed).
Result<std::vector<Certificate>> parsePemCertificates(std::string_view pem);
std::string toPem(const std::vector<Certificate>& certs);

// RFC 3339 UTC ("2026-11-27T09:30:00Z"), for status fields and messages.
std::string formatTime(TimePoint t);

}  // namespace paymesh::pki
