#pragma once
// Secrets of type kubernetes.io/tls as paymesh writes them: tls.crt (leaf then chain),
// tls.key (PKCS#8 PEM), ca.crt (the trust bundle). Pure: values in, JSON out.

#include <nlohmann/json.hpp>

#include <string>

#include "base/status.h"
#include "pki/certificate.h"
#include "pki/issue.h"
#include "pki/key.h"
#include "pki/trust_bundle.h"

namespace paymesh::pki {

inline constexpr char kTlsSecretType[] = "kubernetes.io/tls";
inline constexpr char kTlsCertKey[] = "tls.crt";
inline constexpr char kTlsKeyKey[] = "tls.key";
inline constexpr char kCaCertKey[] = "ca.crt";

// The PEM texts of a TLS Secret.
struct TlsSecretContent {
  std::string tls_crt;
  std::string tls_key;
  std::string ca_crt;
};

Result<TlsSecretContent> tlsSecretContent(const IssuedCertificate& issued, const TrustBundle& bundle);

// {"type": "kubernetes.io/tls", "data": {"tls.crt": b64, "tls.key": b64, "ca.crt": b64}}:
// the part of a Secret object paymesh owns; the caller adds metadata.
nlohmann::json tlsSecretData(const TlsSecretContent& content);

// The parsed, checked content of a TLS Secret.
struct TlsSecretMaterial {
  std::vector<Certificate> chain;  // leaf first
  PrivateKey key;
  TrustBundle bundle;
  const Certificate& leaf() const { return chain.front(); }
};

// Reads a Secret object (or just its "type"/"data"/"stringData" part) back: accepts
// base64 "data" and plain "stringData" (stringData wins, as the API server merges it),
// checks the type, parses every PEM and that the key matches the leaf. Errors name the
// field and never quote key bytes.
Result<TlsSecretMaterial> readTlsSecret(const nlohmann::json& secret);

}  // namespace paymesh::pki
