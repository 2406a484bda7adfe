#include "auth/algorithms.h"

#include <array>

#include "base/quote.h"

namespace paymesh::auth {
namespace {

constexpr std::array<Curve, 3> kCurves = {{
    {"P-256", "prime256v1", 32},
    {"P-384", "secp384r1", 48},
    {"P-521", "secp521r1", 66},
}};

constexpr std::array<JwsAlgorithm, 9> kAlgorithms = {{
    {"RS256", "RSA", "SHA256", false, nullptr},
    {"RS384", "RSA", "SHA384", false, nullptr},
    {"RS512", "RSA", "SHA512", false, nullptr},
    {"PS256", "RSA", "SHA256", true, nullptr},
    {"PS384", "RSA", "SHA384", true, nullptr},
    {"PS512", "RSA", "SHA512", true, nullptr},
    {"ES256", "EC", "SHA256", false, &kCurves[0]},
    {"ES384", "EC", "SHA384", false, &kCurves[1]},
    {"ES512", "EC", "SHA512", false, &kCurves[2]},
}};

}  // namespace

const Curve* findCurve(std::string_view name) {
  for (const auto& c : kCurves) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const JwsAlgorithm* findAlgorithm(std::string_view name) {
  for (const auto& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string refusedAlgorithmReason(std::string_view name) {
  const std::string alg = "alg " + quoteUntrusted(name, 32);
  if (name == "none") return alg + ": an unsigned token is never accepted";
  if (name.substr(0, 2) == "HS") {
    return alg + ": a shared-secret (HMAC) token is never accepted; providers sign with RSA or EC keys";
  }
  return alg + ": unknown algorithm (supported: " + supportedAlgorithms() + ")";
}

std::string supportedAlgorithms() {
  std::string out;
  for (const auto& a : kAlgorithms) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

}  // namespace paymesh::auth
