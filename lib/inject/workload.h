#pragma once
// Injection of workload manifests, for `paymeshctl inject` (as `istioctl kube-inject`):
// the pod of a Pod, the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet
// or Job, the job's pod template of a CronJob, and each item of a List. Other documents
// pass through untouched.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inject/admit.h"

namespace paymesh::inject {

// Where a kind keeps its pod ("" for a Pod itself); nullopt for kinds without one.
std::optional<nlohmann::json::json_pointer> podPointer(const nlohmann::json& object);

// PaymentServices by namespace.
using ServicesByNamespace = std::map<std::string, std::vector<ServiceEntry>>;

struct WorkloadOutcome {
  nlohmann::json object;                           // the document to write (injected where it was)
  nlohmann::json patch = nlohmann::json::array();  // RFC 6902 from the document as given
  // One per pod the document holds (a List holds several), with its position ("" or
  // "items[3]") for messages.
  std::vector<std::pair<std::string, Outcome>> pods;
};

// The namespace of an object is its metadata.namespace, else "default".
WorkloadOutcome injectWorkload(const nlohmann::json& object, const ServicesByNamespace& services,
                               const model::MeshConfig& mesh);

}  // namespace paymesh::inject
