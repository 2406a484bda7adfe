#pragma once
// The schema of PaymentService: every field with its type, bounds, enum, default and
// cross-field (CEL) rules. The validator and the CRD generator both read it.

#include "model/schema.h"

namespace paymesh::model {

// The whole object (apiVersion, kind, metadata, spec, status). Root-level CEL rules
// (those that need metadata.name) live on it.
const Schema& paymentServiceSchema();
const Schema& paymentServiceSpecSchema();
const Schema& paymentServiceStatusSchema();

// Every CEL rule in the schema tree with the path of the node that carries it.
struct LocatedRule {
  std::string path;  // "spec.discovery.ring", "" for the root
  CelRule rule;
};
std::vector<LocatedRule> allCelRules(const Schema& root);

// The primes CEL uses for trial division of tableSize (all primes up to
// sqrt(kMaxMaglevTableSize)).
std::vector<int64_t> trialDivisionPrimes();
bool isPrime(int64_t n);

}  // namespace paymesh::model
