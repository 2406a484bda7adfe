#pragma once
// The set of CA certificates a peer trusts (ca.crt, and the webhook caBundle).
// During a CA rotation it holds the old and the new CA.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/certificate.h"

namespace paymesh::pki {

class TrustBundle {
public:
  TrustBundle() = default;
  explicit TrustBundle(std::vector<Certificate> cas);

  // Every block must be a CA certificate (CA:TRUE); expiry is not checked here (a
  // bundle may briefly hold an expiring CA during rotation).
  static Result<TrustBundle> fromPem(std::string_view pem);

  // Adds a CA unless one with the same fingerprint is present.
  void add(const Certificate& ca);
  bool contains(const Certificate& ca) const;
  const std::vector<Certificate>& cas() const { return cas_; }
  bool empty() const { return cas_.empty(); }

  // Concatenated PEM: the content of ca.crt.
  std::string toPem() const;
  // base64 of toPem(): the MutatingWebhookConfiguration's clientConfig.caBundle.
  std::string caBundle() const;

  // Verifies leaf (with intermediates, leaf first excluded) against this bundle at time
  // `at` (not the wall clock), with the TLS purpose given. The error names the reason.
  enum class Purpose { kAny, kServer, kClient };
  Status verify(const Certificate& leaf, const std::vector<Certificate>& intermediates, TimePoint at,
                Purpose purpose = Purpose::kAny) const;

private:
  std::vector<Certificate> cas_;
};

}  // namespace paymesh::pki
