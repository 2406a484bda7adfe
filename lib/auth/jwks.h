#pragma once
// JSON Web Key Sets (RFC 7517) of the public keys that verify end-user tokens: parsed and
// checked before the operator copies one into a sidecar's configuration, and used by
// `paymeshctl auth check` to verify signatures with OpenSSL.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/authentication.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace paymesh::auth {

struct Jwk {
  std::string kid;  // may be empty
  std::string kty;  // "RSA" or "EC"
  std::string alg;  // may be empty: any algorithm of the key's type
  std::string crv;  // EC: "P-256", "P-384", "P-521"
  std::shared_ptr<EVP_PKEY> key;
};

struct Jwks {
  std::vector<Jwk> keys;
};

// A JWKS of public RSA and EC keys. Refused, with the member named ("keys[1].alg: unknown
// algorithm \"HS999\""): text that is not one JSON object, no "keys" or an empty one, a
// key type other than RSA and EC (an "oct" key is a shared secret: it would be published
// in a ConfigMap), private members (d, p, q, dp, dq, qi), an unknown or mismatched "alg",
// an unknown curve, members that are not base64url, a public key OpenSSL rejects.
Result<Jwks> parseJwks(std::string_view text);

// The JWKS text a ConfigMap or Secret holds at `source.key` (a Secret's data is base64;
// stringData is read as given). Errors name the object and key.
Result<std::string> jwksFromObject(const nlohmann::json& object, const model::JwksSource& source);

}  // namespace paymesh::auth
