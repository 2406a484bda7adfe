#pragma once
// Private keys: generation (ECDSA P-256, RSA 2048/3072), PKCS#8 PEM in and out.
// A PrivateKey never prints itself: the only way to its bytes is toPkcs8Pem(), which
// callers write to 0600 files or Secrets, never to logs.

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "base/key_algorithm.h"
#include "base/status.h"
#include "pki/ossl.h"

namespace paymesh::pki {

using ::paymesh::KeyAlgorithm;  // defined once in lib/base, shared with the model

// Upper bound on any PEM input we accept; real keys and chains are a few KiB.
inline constexpr size_t kMaxPemBytes = 1 << 20;

class PrivateKey {
public:
  // Shares the EVP_PKEY (reference counted); copies are cheap.
  PrivateKey(const PrivateKey& other);
  PrivateKey& operator=(const PrivateKey& other);
  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;
  ~PrivateKey() = default;

  static Result<PrivateKey> generate(KeyAlgorithm algorithm);
  // Reads one private key from PEM (PKCS#8, or the traditional EC/RSA forms). Encrypted
  // keys are refused: no passphrase prompt can be answered by an operator.
  static Result<PrivateKey> fromPem(std::string_view pem);

  // Unencrypted PKCS#8 ("-----BEGIN PRIVATE KEY-----").
  Result<std::string> toPkcs8Pem() const;
  // The algorithm, if it is one paymesh issues with; error otherwise.
  Result<KeyAlgorithm> algorithm() const;

  EVP_PKEY* get() const { return pkey_.get(); }

private:
  explicit PrivateKey(ossl::PkeyPtr pkey) : pkey_(std::move(pkey)) {}
  ossl::PkeyPtr pkey_;
};

}  // namespace paymesh::pki
