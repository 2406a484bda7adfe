#pragma once
// Standard base64 (RFC 4648 with padding), for caBundle and AdmissionReview patches.

#include <string>

namespace paymesh::emulator {

std::string base64Encode(const std::string& in);
// Throws std::invalid_argument on a character outside the alphabet.
std::string base64Decode(const std::string& in);

}  // namespace paymesh::emulator
