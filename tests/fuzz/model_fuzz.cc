// Fuzzes everything that reads untrusted manifests: YAML/JSON parsing with line
// tracking, PaymentService defaulting and validation, mesh config, and the YAML
// emitter's round trip.

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/manifest.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto manifests = paymesh::model::parseManifests(text, "fuzz.yaml");
  if (!manifests.isOk()) return 0;
  for (const auto& m : *manifests) {
    auto r = paymesh::model::parsePaymentService(m.doc.value);
    for (const auto& e : r.errors) (void)m.lineOf(e.path);
    (void)paymesh::model::parseMeshConfig(m.doc.value);
    // What we print must read back as what we hold (non-finite floats print as null,
    // as JSON has them, so compare against the JSON round trip).
    if (m.doc.value.is_object() && !m.doc.value.empty()) {
      auto again = paymesh::yaml::parseYamlDocuments(paymesh::yaml::toYaml(m.doc.value));
      auto want = nlohmann::json::parse(m.doc.value.dump());
      if (!again.isOk() || again->size() != 1 || (*again)[0].value != want) __builtin_trap();
    }
  }
  return 0;
}
