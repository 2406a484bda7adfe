#pragma once
// Reading a pod as it arrives at admission: a ReplicaSet's pod has generateName and no
// name, and may have no labels or annotations map at all. Anything the injector reads or
// rewrites is checked first, so a malformed pod is refused with the field at fault rather
// than half-mutated.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/json_shape.h"
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

// Every field of a pod the injection core reads (readPodFacts, checkInjectable,
// carriesInjection, injectionPatch): a pod parsed with this shape (base/json_shape.h) gets
// the same decision and the same patch as the whole pod, as long as carriesInjection is
// false; a pod that carries an injection needs the whole pod (its patch is a diff).
// Extend it with every field the core starts reading.
const JsonShape& podShapeInjectionReads();

// "app=settlement, tier=backend", or "(no labels)".
std::string formatLabels(const Labels& labels);

}  // namespace paymesh::inject
