#pragma once
// Signing keys and tokens made in the test, with OpenSSL: RSA and EC keys generated per
// run, their public halves as JWKs, and compact JWS signed over any header and claims
// (also ones no issuer should sign: "none", HS256, tampered payloads).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

typedef struct evp_pkey_st EVP_PKEY;

namespace paymesh::testing {

class SigningKey {
public:
  static SigningKey rsa(std::string kid, int bits = 2048);
  // curve: "P-256", "P-384" or "P-521".
  static SigningKey ec(std::string kid, const std::string& curve = "P-256");

  const std::string& kid() const { return kid_; }
  // The public JWK: kty, kid (when not empty), n and e or crv, x and y.
  nlohmann::json jwk() const;
  // The JWS signature of `input` under `alg` (RS*, PS*, ES*; ES* as raw R||S).
  std::string sign(const std::string& alg, std::string_view input) const;

private:
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
  std::string crv_;  // EC only
};

// {"keys": [...]} as text.
std::string jwksText(const std::vector<nlohmann::json>& keys);

// base64url(JSON text of `part`).
std::string encodePart(const nlohmann::json& part);

// header.payload.signature, signed by `key` under `alg`; the header gets alg and the
// key's kid unless `header` sets them (a null kid leaves it out).
std::string makeToken(const SigningKey& key, const std::string& alg, const nlohmann::json& claims,
                      nlohmann::json header = nlohmann::json::object());

}  // namespace paymesh::testing
