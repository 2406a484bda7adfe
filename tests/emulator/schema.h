#pragma once
// The parts of structural-schema handling the emulator applies to custom resources:
// defaulting, pruning of unknown fields, and validation of type, enum, bounds and
// required fields. CEL rules (x-kubernetes-validations) are not evaluated.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/status_errors.h"

namespace paymesh::emulator {

// Fills in `default` values from the schema, recursively, where fields are absent.
void applyDefaults(const nlohmann::json& schema, nlohmann::json& value);

// Drops fields the schema does not declare unless x-kubernetes-preserve-unknown-fields.
// metadata, apiVersion and kind at the root are kept.
void prune(const nlohmann::json& schema, nlohmann::json& value, bool root = true);

// Validates `value` against the schema; appends a cause per problem.
void validate(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
              std::vector<Cause>& causes);

}  // namespace paymesh::emulator
