#pragma once
// Internal: builds and signs one X.509 v3 certificate from a template. Shared by the
// CA (self-signed) and by leaf issuance so that both set extensions the same way.

#include <string>
#include <vector>

#include "base/status.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace paymesh::pki::internal {

struct CertTemplate {
  std::string common_name;  // optional; without it the SAN extension is critical
  std::vector<std::string> dns_names;
  std::vector<std::string> uris;
  TimePoint not_before;
  TimePoint not_after;
  bool is_ca = false;
  bool server_auth = false;
  bool client_auth = false;
};

// Signs `subject_key`'s public half. issuer == nullptr means self-signed (issuer_key
// must then be subject_key's private half).
Result<Certificate> buildCertificate(const CertTemplate& tmpl, EVP_PKEY* subject_key, const Certificate* issuer,
                                     EVP_PKEY* issuer_key);

}  // namespace paymesh::pki::internal
