#pragma once
// Compact text encodings for ring.json: base64 (RFC 4648, padded) of little-endian
// packed unsigned integers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/base64.h"
#include "base/status.h"

namespace paymesh::ring {

// Each value as `width` bytes (1, 2, 4 or 8), little-endian. Values must fit the width.
std::string packUints(const std::vector<uint64_t>& values, int width);
std::string packUints32(const std::vector<uint32_t>& values, int width);
// The inverse; bytes.size() must be a multiple of width.
Result<std::vector<uint64_t>> unpackUints(std::string_view bytes, int width);

// Smallest width (1, 2 or 4) that holds indices below `count`.
int indexWidth(size_t count);

}  // namespace paymesh::ring
