#pragma once
// What a request carries besides its path: the body (a JSON object today) and the numbers
// of its query string, read with the errors kube-apiserver gives for bad ones.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"

namespace paymesh::emulator {

// A base-10 unsigned integer of at most 19 digits, nothing else.
bool parseUint(const std::string& text, uint64_t& out);

// Decodes the body into `out`; `error` starts the message of a 400 for a body that is no
// JSON ("the patch is not JSON").
std::optional<HttpResponse> decodeBody(const HttpRequest& req, const std::string& error, nlohmann::json& out);

// Accept: ...;as=Table — kubectl asking for server-side printing.
bool wantsTable(const HttpRequest& req);

}  // namespace paymesh::emulator
