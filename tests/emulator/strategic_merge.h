#pragma once
// A strategic merge patch, reduced to what kubectl sends for built-in kinds: a JSON merge
// patch in which lists of named things (containers, volumes, env, ports, ...) merge item by
// item on their merge key instead of being replaced, `$patch: delete` removes a list item,
// and directive keys (`$setElementOrder/...`, `$retainKeys`) are accepted and ignored.
// The merge keys come from a fixed table by field name, not from the OpenAPI schema.

#include <nlohmann/json.hpp>

namespace paymesh::emulator {

void strategicMerge(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace paymesh::emulator
