// Fuzzes renderSidecarConfig on valid services: the input is read as manifests (YAML or
// JSON, several documents), what the model accepts is collected as `paymeshctl render`
// collects it (services, their pods as endpoints), and every accepted service is
// rendered with the default mesh config. Rendering a valid service may report what is
// missing but must not throw or crash, and must give the same bytes twice.

#include <string>

#include "fuzz/fuzz_util.h"
#include "model/manifest.h"
#include "model/mesh_config.h"
#include "policy/manifest_inputs.h"
#include "policy/sidecar_config.h"

namespace {

const paymesh::model::MeshConfig& mesh() {
  static const paymesh::model::MeshConfig m = *paymesh::model::parseMeshConfig(nlohmann::json::object()).config;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto manifests = paymesh::model::parseManifests(text, "fuzz.yaml");
  if (!manifests.isOk()) return 0;
  auto inputs = paymesh::policy::collectInputs(*manifests);
  for (const auto& [ns, space] : inputs.namespaces) {
    paymesh::policy::RenderInputs in;
    for (const auto& [name, svc] : space.services) in.services[name] = &svc;
    in.endpoints = space.endpoints;
    in.mesh = &mesh();
    for (const auto& [name, svc] : space.services) {
      in.self = &svc;
      auto first = paymesh::policy::renderSidecarConfig(in);
      auto second = paymesh::policy::renderSidecarConfig(in);
      if (first.isOk() != second.isOk()) __builtin_trap();
      if (first.isOk() && first->config_hash != second->config_hash) __builtin_trap();
    }
  }
  return 0;
}
