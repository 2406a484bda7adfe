#pragma once
// The schema of spec.authentication, spec.authorization.requiredClaims and
// spec.resilience.rateLimit, and the spec-level CEL rules that tie them to the ports and
// the TLS mode. Part of the PaymentService schema (payment_service_schema.cc).

#include <vector>

#include "model/schema.h"

namespace paymesh::model {

SchemaPtr authenticationSchema();                // spec.authentication
SchemaPtr requiredClaimsSchema();                // spec.authorization.requiredClaims
SchemaPtr rateLimitSchema();                     // spec.resilience.rateLimit
std::vector<CelRule> authenticationSpecRules();  // carried by spec

}  // namespace paymesh::model
