#pragma once
// Standard base64 (RFC 4648, with padding), as Kubernetes Secret data uses it.

#include <string>
#include <string_view>

#include "base/status.h"

namespace paymesh {

std::string base64Encode(std::string_view bytes);
// Strict: padding required, no whitespace, no other alphabet. Errors never quote the input.
Result<std::string> base64Decode(std::string_view text);

}  // namespace paymesh
