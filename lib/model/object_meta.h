#pragma once
// The parts of Kubernetes ObjectMeta paymesh reads.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_path.h"

namespace paymesh::model {

struct ObjectMeta {
  std::string name;
  std::string namespace_ = "default";
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// Checks metadata as the API server would for a namespaced object whose name must be
// a DNS-1123 label, and reads it. Fields paymesh does not use are accepted if they
// are ObjectMeta fields; anything else is an unknown-field error.
ObjectMeta parseObjectMeta(const nlohmann::json& metadata, std::vector<FieldError>& errors);

}  // namespace paymesh::model
