#pragma once
// A validation error at a field path (see base/field_path.h for how paths are spelled).

#include <string>

#include "base/field_path.h"  // childPath, indexPath

namespace paymesh::model {

struct FieldError {
  std::string path;     // "spec.resilience.retry.attempts"
  std::string message;  // "must be at most 10, got 42"
  bool operator==(const FieldError&) const = default;
};

inline std::string toString(const FieldError& e) { return e.path.empty() ? e.message : e.path + ": " + e.message; }

}  // namespace paymesh::model
