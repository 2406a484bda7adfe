#pragma once
// The PaymentService CustomResourceDefinition, generated from the schema the C++
// validator uses. crds/paymesh.io_paymentservices.yaml is this function's output,
// and a test keeps the two equal.

#include <string>

#include <nlohmann/json.hpp>

#include "model/schema.h"

namespace paymesh::model {

// One schema node as OpenAPI v3 with x-kubernetes extensions.
nlohmann::ordered_json toOpenApi(const Schema& schema);

nlohmann::ordered_json paymentServiceCrd();

// The CRD as YAML text, as crds/ holds it.
std::string paymentServiceCrdYaml();

}  // namespace paymesh::model
