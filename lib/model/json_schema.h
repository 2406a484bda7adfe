#pragma once
// A model schema as JSON Schema (draft-07), for tools outside Kubernetes: the chart's
// values.schema.json carries the mesh configuration's, so Helm refuses a misspelt or
// mistyped meshConfig value before anything is installed. Objects are closed (an unknown
// field is an error, as the C++ validator says); types, enums, bounds, lengths and
// patterns are the model's. Defaults are left out: where a value is absent, the reader of
// the document (the operator, or the chart for release-derived names) decides.

#include <nlohmann/json.hpp>

#include "model/schema.h"

namespace paymesh::model {

nlohmann::ordered_json toJsonSchema(const Schema& schema);

}  // namespace paymesh::model
