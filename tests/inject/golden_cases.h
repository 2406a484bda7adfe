#pragma once
// The golden set of tests/testdata/inject/: each <case>.json is a pod as it reaches
// admission (with <case>.mesh.yaml when it needs a mesh config of its own), and
// <case>.json.patched the pod injection stores. The PaymentServices are
// examples/payments. The same set runs through the library, `paymeshctl inject` and the
// webhook; REFRESH_GOLDEN=1 rewrites the .patched files.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inject/workload.h"
#include "model/manifest.h"
#include "model/mesh_config.h"

namespace paymesh::inject::testing {

inline const std::string kGoldenDir = PAYMESH_SOURCE_DIR "/tests/testdata/inject";
inline const std::string kServices = PAYMESH_SOURCE_DIR "/examples/payments";

inline bool refreshGolden() { return std::getenv("REFRESH_GOLDEN") != nullptr; }

struct GoldenCase {
  std::string name;
  std::string input;      // path of <case>.json
  std::string mesh_file;  // "" for the defaults
  std::string golden;     // path of <case>.json.patched
  nlohmann::json pod;
  model::MeshConfig mesh;
};

inline std::vector<GoldenCase> goldenCases() {
  namespace stdfs = std::filesystem;
  std::vector<GoldenCase> out;
  for (const auto& e : stdfs::directory_iterator(kGoldenDir)) {
    if (e.path().extension() != ".json") continue;
    GoldenCase c;
    c.name = e.path().stem().string();
    c.input = e.path().string();
    c.golden = c.input + ".patched";
    c.pod = nlohmann::json::parse(std::ifstream(c.input));
    std::string mesh = kGoldenDir + "/" + c.name + ".mesh.yaml";
    c.mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
    if (stdfs::exists(mesh)) {
      c.mesh_file = mesh;
      c.mesh = *model::loadMeshConfig(mesh);
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

inline ServicesByNamespace exampleServices() {
  ServicesByNamespace out;
  auto manifests = model::readManifests(kServices);
  for (const auto& m : manifests.value())
    if (m.kind() == "PaymentService") out[m.namespaceOr("default")].push_back(serviceEntry(m.doc.value));
  return out;
}

inline std::string goldenText(const nlohmann::json& pod) { return pod.dump(2) + "\n"; }

}  // namespace paymesh::inject::testing
