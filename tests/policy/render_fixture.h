#pragma once
// The example platform (examples/payments + examples/endpoints) as render inputs.

#include <gtest/gtest.h>

#include "auth/jwks.h"
#include "model/manifest.h"
#include "policy/manifest_inputs.h"
#include "policy/sidecar_config.h"

namespace paymesh::policy::testing {

inline ManifestInputs exampleInputs() {
  std::vector<model::Manifest> all;
  for (const char* p : {PAYMESH_SOURCE_DIR "/examples/payments", PAYMESH_SOURCE_DIR "/examples/endpoints"}) {
    auto ms = model::readManifests(p);
    EXPECT_TRUE(ms.isOk()) << ms.status().message();
    for (auto& m : *ms) all.push_back(std::move(m));
  }
  auto in = collectInputs(all);
  EXPECT_TRUE(in.errors.empty());
  return in;
}

inline const model::MeshConfig& defaultMesh() {
  static const model::MeshConfig mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
  return mesh;
}

inline RenderInputs inputsFor(const Namespace& space, const std::string& name,
                              const model::MeshConfig& mesh = defaultMesh()) {
  RenderInputs in;
  for (const auto& [n, svc] : space.services) in.services[n] = &svc;
  in.endpoints = space.endpoints;
  in.mesh = &mesh;
  in.self = &space.services.at(name);
  // The keys of its providers, read from the manifests as the operator reads them.
  if (in.self->spec.jwt) {
    for (const auto& p : in.self->spec.jwt->providers) {
      if (p.jwks.kind == model::JwksSourceKind::kRemote) continue;
      const auto& objects = p.jwks.kind == model::JwksSourceKind::kSecret ? space.secrets : space.config_maps;
      if (auto it = objects.find(p.jwks.name); it != objects.end())
        if (auto text = auth::jwksFromObject(it->second, p.jwks); text.isOk()) in.jwks[p.name] = *text;
    }
  }
  return in;
}

inline SidecarConfig render(const Namespace& space, const std::string& name) {
  auto cfg = renderSidecarConfig(inputsFor(space, name));
  EXPECT_TRUE(cfg.isOk()) << cfg.status().message();
  return *cfg;
}

// A rendered file read back as JSON.
inline nlohmann::json file(const SidecarConfig& cfg, const std::string& name) {
  auto docs = yaml::parseYamlDocuments(cfg.files.at(name));
  EXPECT_TRUE(docs.isOk());
  return (*docs)[0].value;
}

}  // namespace paymesh::policy::testing
