#pragma once
// The endpoint list `paymeshctl ring --endpoints-file` reads: either a JSON list (of
// "KEY[=WEIGHT]" strings or {"key": ..., "weight": ...} objects) or text with one
// "KEY[=WEIGHT]" per line (blank lines and lines starting with '#' are skipped).

#include <string_view>
#include <vector>

#include "base/status.h"
#include "ring/endpoint.h"

namespace paymesh::ring {

// Errors name the line (text) or the list index (JSON).
Result<std::vector<Endpoint>> parseEndpointList(std::string_view text);

}  // namespace paymesh::ring
