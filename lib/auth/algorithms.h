#pragma once
// The JWS algorithms paymesh verifies (RFC 7518 section 3): RSA PKCS#1 v1.5, RSA-PSS and
// ECDSA, all asymmetric. HMAC ("HS256") and "none" are absent on purpose: a shared
// secret would have to be published with the keys, and an unsigned token proves nothing.

#include <cstddef>
#include <string>
#include <string_view>

namespace paymesh::auth {

// A named elliptic curve of RFC 7518 section 6.2.1.1.
struct Curve {
  std::string_view name;        // "P-256"
  std::string_view group;       // OpenSSL's group name: "prime256v1"
  size_t coordinate_bytes = 0;  // x, y, and each of R and S in a signature
};

struct JwsAlgorithm {
  std::string_view name;         // "RS256"
  std::string_view kty;          // the key type it needs: "RSA" or "EC"
  std::string_view digest;       // OpenSSL digest name: "SHA256"
  bool pss = false;              // RSA-PSS, salt length = digest length
  const Curve* curve = nullptr;  // EC: the one curve it signs with
};

// nullptr for anything not in the tables above.
const Curve* findCurve(std::string_view name);
const JwsAlgorithm* findAlgorithm(std::string_view name);

// Why an algorithm name is refused, for messages: "none" and HS* get their own reason.
std::string refusedAlgorithmReason(std::string_view name);

// "RS256, RS384, ..., ES512", for messages.
std::string supportedAlgorithms();

}  // namespace paymesh::auth
