#pragma once
// What a request carries besides its path, read with the errors kube-apiserver gives for bad
// ones: the body (JSON, or the Kubernetes protobuf encoding kubectl and helm use for built-in
// kinds, decoded to the same JSON), its size against the body limit, dryRun, and numbers.

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

// 413 "Request entity too large: limit is N" for a body over `limit` bytes.
std::optional<HttpResponse> checkBodySize(const HttpRequest& req, size_t limit);

// dryRun from the query and from the options in the body (DeleteOptions.dryRun): true for
// "All"; any other value is the 422 kube-apiserver gives, naming `options_kind`.
std::optional<HttpResponse> readDryRun(const HttpRequest& req, const nlohmann::json& options,
                                       const std::string& options_kind, bool& dry_run);

// Accept: ...;as=Table — kubectl asking for server-side printing.
bool wantsTable(const HttpRequest& req);

}  // namespace paymesh::emulator
