#pragma once
// The key algorithms of workload and CA certificates, as one type from the API
// (spec.tls.certificate.keyAlgorithm, ca.keyAlgorithm) through to key generation.

#include <string_view>
#include <vector>

#include "base/status.h"

namespace paymesh {

enum class KeyAlgorithm { kEcdsaP256, kRsa2048, kRsa3072 };

// "ECDSAP256" | "RSA2048" | "RSA3072", as the API spells them.
const char* keyAlgorithmName(KeyAlgorithm algorithm);
Result<KeyAlgorithm> parseKeyAlgorithm(std::string_view name);
// Every name, in the order of the enum: the schema's enumeration.
const std::vector<std::string>& keyAlgorithmNames();

}  // namespace paymesh
