#include "base/key_algorithm.h"

#include <string>

namespace paymesh {

namespace {
constexpr KeyAlgorithm kAll[] = {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072};
}  // namespace

const char* keyAlgorithmName(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256: return "ECDSAP256";
    case KeyAlgorithm::kRsa2048: return "RSA2048";
    case KeyAlgorithm::kRsa3072: return "RSA3072";
  }
  return "unknown";
}

Result<KeyAlgorithm> parseKeyAlgorithm(std::string_view name) {
  for (KeyAlgorithm a : kAll)
    if (name == keyAlgorithmName(a)) return a;
  return invalidArgument("unknown key algorithm \"" + std::string(name.substr(0, 64)) +
                         "\"; expected one of ECDSAP256, RSA2048, RSA3072");
}

const std::vector<std::string>& keyAlgorithmNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (KeyAlgorithm a : kAll) out.emplace_back(keyAlgorithmName(a));
    return out;
  }();
  return kNames;
}

}  // namespace paymesh
