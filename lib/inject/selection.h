#pragma once
// Which PaymentService a pod belongs to: those of its namespace whose
// spec.selector.matchLabels its labels carry. A service that does not parse is kept with
// its error, so a pod it selects is refused with the reason instead of going unmeshed.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inject/pod.h"
#include "model/payment_service.h"

namespace paymesh::inject {

struct ServiceEntry {
  std::string name;
  std::string namespace_;
  Labels selector;                                       // spec.selector.matchLabels as stored
  std::shared_ptr<const model::PaymentService> service;  // null when the object is invalid
  std::string error;                                     // why it is invalid
};

// Parses a PaymentService object (defaulting and validating it as the API server would).
ServiceEntry serviceEntry(const nlohmann::json& object);

// Every label of a non-empty selector is on the pod with the same value; an empty
// selector selects nothing (the schema requires one label at least).
bool selects(const Labels& selector, const Labels& labels);

// The entries of `services` that select `labels`, in the order given.
std::vector<const ServiceEntry*> selecting(const std::vector<ServiceEntry>& services, const Labels& labels);

}  // namespace paymesh::inject
