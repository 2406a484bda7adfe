#pragma once
// Lowercase hexadecimal: the one encoder for digests (the sidecar config hash,
// certificate fingerprints) and for the \u00XX escapes of generated JSON.

#include <cstddef>
#include <string>
#include <string_view>

namespace paymesh {

// Two lowercase hex digits per byte.
std::string hexEncode(const unsigned char* data, size_t size);
inline std::string hexEncode(std::string_view bytes) {
  return hexEncode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace paymesh
