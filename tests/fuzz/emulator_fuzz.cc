// Fuzzes the Kubernetes API emulator's request-side code (tests/emulator): label and
// field selectors, the three patch types applied as the emulator applies them, and the
// structural-schema code (defaulting, pruning, validation) on PaymentServices under the
// repo's CRD, and on CRDs themselves. The input is read as a selector and as JSON:
//   {"target": <object>, "patch": <patch>}   patched as merge, JSON and strategic patches;
//   any other object                         validated as a PaymentService and a Pod,
//                                            and registered as a CRD.
// Errors are expected; a throw that the emulator does not catch, or a crash, is a bug.

#include <string>

#include "emulator/label_selector.h"
#include "emulator/object_validation.h"
#include "emulator/resource_types.h"
#include "emulator/schema.h"
#include "emulator/strategic_merge.h"
#include "fuzz/fuzz_util.h"
#include "model/crd.h"

namespace {

using nlohmann::json;
using namespace paymesh::emulator;

const TypeRegistry& registry() {
  static const TypeRegistry types = [] {
    TypeRegistry t;
    t.registerCrd(json::parse(paymesh::model::paymentServiceCrd().dump()));
    return t;
  }();
  return types;
}

void selectors(const std::string& text, const json& object) {
  Selector s;
  std::string error;
  if (!parseSelector(text, s, error)) return;
  (void)matches(s, labelsOf(object));
  (void)matches(s, fieldsOf(object, s));
  (void)matches(s, {{"app", "settlement"}, {"paymesh.io/service", "settlement"}});
}

// As the emulator's patch handler: what a patch throws is its 422, caught there.
void patches(const json& target, const json& patch) {
  json merged = target;
  if (patch.is_object()) merged.merge_patch(patch);
  if (patch.is_array()) {
    try {
      (void)target.patch(patch);
    } catch (const std::exception&) {
    }
  }
  if (patch.is_object()) {
    json strategic = target;
    try {
      strategicMerge(strategic, patch);
    } catch (const std::exception&) {
    }
    json copy = strategic;
    (void)normalizeAndValidate(*registry().find("", "v1", "pods"), copy, false);
  }
}

void objects(const json& object) {
  for (const auto* type : {registry().find("paymesh.io", "v1alpha1", "paymentservices"),
                           registry().find("", "v1", "pods"), registry().find("", "v1", "configmaps")}) {
    if (type == nullptr) __builtin_trap();
    json copy = object;
    (void)normalizeAndValidate(*type, copy, true);
  }
  std::string error;
  (void)matchesLabelSelector(object, {{"app", "settlement"}}, error);
  (void)typesFromCrd(object);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  const std::string text(reinterpret_cast<const char*>(data), size);
  json doc = paymesh::fuzz::parseJson(data, size);
  selectors(text, doc.is_discarded() ? json::object() : doc);
  if (doc.is_discarded() || !doc.is_object()) return 0;
  if (doc.contains("target") && doc.contains("patch")) patches(doc["target"], doc["patch"]);
  objects(doc);
  return 0;
}
