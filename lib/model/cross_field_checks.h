#pragma once
// The C++ side of every CEL rule in the PaymentService schema. Each check answers
// "is rule <id> violated?" on typed values; a schema rule without a check here is a
// bug that tests catch (see hasCrossFieldCheck).

#include <string>
#include <vector>

#include "model/field_path.h"

namespace paymesh::model {

struct PaymentService;

// Evaluates every CEL rule of the schema on a schema-valid object.
std::vector<FieldError> runCrossFieldChecks(const PaymentService& ps);

bool hasCrossFieldCheck(const std::string& rule_id);

}  // namespace paymesh::model
