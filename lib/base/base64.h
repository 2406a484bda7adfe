#pragma once
// Standard base64 (RFC 4648, with padding), as Kubernetes Secret data uses it, and the
// unpadded URL-safe alphabet of JSON Web Tokens and Keys (RFC 7515 section 2).

#include <string>
#include <string_view>

#include "base/status.h"

namespace paymesh {

std::string base64Encode(std::string_view bytes);
// Strict: padding required, no whitespace, no other alphabet. Errors never quote the input.
Result<std::string> base64Decode(std::string_view text);

// base64url without padding (RFC 7515): '-' and '_' for '+' and '/', no '='.
std::string base64UrlEncode(std::string_view bytes);
// Strict as above: '+', '/', '=' and whitespace are refused, so a token has one spelling.
Result<std::string> base64UrlDecode(std::string_view text);

}  // namespace paymesh
