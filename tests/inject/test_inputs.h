#pragma once
// Pods and services the injection tests start from.

#include <nlohmann/json.hpp>

#include "inject/selection.h"
#include "model/mesh_config.h"

namespace paymesh::inject::testing {

inline model::MeshConfig defaultMesh() { return *model::parseMeshConfig(nlohmann::json::object()).config; }

inline model::MeshConfig mesh(const char* json_text) {
  auto r = model::parseMeshConfig(nlohmann::json::parse(json_text));
  return *r.config;
}

// A PaymentService of namespace "payments" selecting app=<name>, calling `deps`.
inline ServiceEntry service(const std::string& name, std::vector<std::string> deps = {}, const std::string& app = "") {
  nlohmann::json d = nlohmann::json::array();
  for (const auto& dep : deps) d.push_back({{"name", dep}});
  return serviceEntry({{"apiVersion", "paymesh.io/v1alpha1"},
                       {"kind", "PaymentService"},
                       {"metadata", {{"name", name}, {"namespace", "payments"}}},
                       {"spec",
                        {{"selector", {{"matchLabels", {{"app", app.empty() ? name : app}}}}},
                         {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
                         {"dependencies", d}}}});
}

// A ReplicaSet's pod at admission: generateName, no name, no annotations map.
inline nlohmann::json replicaSetPod(const std::string& app) {
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"generateName", app + "-7d9f8-"}, {"namespace", "payments"}, {"labels", {{"app", app}}}}},
      {"spec",
       {{"serviceAccountName", app}, {"containers", {{{"name", "app"}, {"image", "registry.local/" + app + ":1"}}}}}}};
}

}  // namespace paymesh::inject::testing
