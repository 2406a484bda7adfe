#pragma once
// Reading a pod as it arrives at admission: a ReplicaSet's pod has generateName and no
// name, and may have no labels or annotations map at all. Anything the injector reads or
// rewrites is checked first, so a malformed pod is refused with the field at fault rather
// than half-mutated.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace paymesh::inject {

using Labels = std::map<std::string, std::string>;

struct PodFacts {
  Labels labels;
  Labels annotations;
  bool host_network = false;
  std::string service_account = "default";  // spec.serviceAccountName (or the old spec.serviceAccount)
  std::string display_name;                 // "name", "generateName*" or "(unnamed)"
};

// Errors are InvalidArgument "FIELD.PATH: what is wrong".
Result<PodFacts> readPodFacts(const nlohmann::json& pod);

// Checks the fields injection rewrites: spec.containers (a non-empty list of objects with
// string names), spec.initContainers and spec.volumes (lists of objects), every
// container's env (a list of objects with string names), spec.securityContext (an object).
Status checkInjectable(const nlohmann::json& pod);

// "app=settlement, tier=backend", or "(no labels)".
std::string formatLabels(const Labels& labels);

}  // namespace paymesh::inject
