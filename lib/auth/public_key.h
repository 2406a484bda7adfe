#pragma once
// The OpenSSL side of lib/auth: public keys built from JWK members (OpenSSL 3's
// EVP_PKEY_fromdata, then EVP_PKEY_public_check) and JWS signatures verified with them.

#include <memory>
#include <string>
#include <string_view>

#include "auth/algorithms.h"
#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace paymesh::auth {

using PublicKey = std::shared_ptr<EVP_PKEY>;

// An RSA public key from its modulus and exponent (big-endian bytes, as JWK "n" and "e").
Result<PublicKey> rsaPublicKey(std::string_view n, std::string_view e);
// An EC public key from its affine coordinates (each exactly curve.coordinate_bytes).
Result<PublicKey> ecPublicKey(const Curve& curve, std::string_view x, std::string_view y);

// Whether `signature`, as a JWS carries it, signs `input` under `alg` with `key`; the
// key's type must be the algorithm's (the caller picks keys by kty and curve). An ECDSA
// signature in a JWS is R||S (RFC 7518 section 3.4), which OpenSSL takes as DER.
Status verifySignature(const JwsAlgorithm& alg, EVP_PKEY* key, std::string_view input, std::string_view signature);

}  // namespace paymesh::auth
