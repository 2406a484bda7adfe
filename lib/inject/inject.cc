#include "inject/inject.h"

#include <set>
#include <string>

#include "inject/names.h"
#include "inject/pod.h"
#include "inject/sidecar.h"
#include "inject/strip.h"
#include "model/endpoints.h"
#include "policy/sidecar_config.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

bool isNative(const model::MeshConfig& mesh) { return mesh.sidecar.mode == model::MeshConfig::SidecarMode::kNative; }

// Adds the dependency env a container does not set itself; returns the names added.
json addEnv(json& container, const std::vector<std::pair<std::string, std::string>>& env) {
  if (!container.contains("env") || container["env"].is_null()) container["env"] = json::array();
  std::set<std::string> present;
  for (const auto& var : container["env"]) present.insert(var["name"].get<std::string>());
  json added = json::array();
  for (const auto& [name, value] : env) {
    if (present.count(name)) continue;  // the user's wins
    container["env"].push_back({{"name", name}, {"value", value}});
    added.push_back(name);
  }
  if (container["env"].empty()) container.erase("env");
  return added;
}

// Env for the app's containers; returns {container name: [added names]}.
json addDependencyEnv(json& spec, const model::PaymentService& service, const model::MeshConfig& mesh) {
  auto env = dependencyEnv(service.spec);
  json record = json::object();
  std::vector<const char*> lists = {"containers"};
  if (isNative(mesh)) lists.push_back("initContainers");
  for (const char* list : lists) {
    if (!spec.contains(list)) continue;
    for (auto& c : spec[list]) {
      if (c["name"] == kProxyContainer) continue;
      json added = addEnv(c, env);
      if (!added.empty()) record[c["name"].get<std::string>()] = std::move(added);
    }
  }
  return record;
}

void addSidecar(json& spec, const model::MeshConfig& mesh) {
  json sidecar = sidecarContainer(mesh);
  if (isNative(mesh)) {
    json init = json::array({std::move(sidecar)});
    if (spec.contains("initContainers") && spec["initContainers"].is_array())
      for (auto& c : spec["initContainers"]) init.push_back(std::move(c));
    spec["initContainers"] = std::move(init);
  } else {
    spec["containers"].push_back(std::move(sidecar));
  }
}

void addVolumes(json& spec, const model::PaymentService& service) {
  if (!spec.contains("volumes") || !spec["volumes"].is_array()) spec["volumes"] = json::array();
  spec["volumes"].push_back(configVolume(service));
  spec["volumes"].push_back(tlsVolume(service));
}

// The sidecar reads its key through the pod's fsGroup; returns whether it set one.
bool ensureFsGroup(json& spec, const model::MeshConfig& mesh) {
  if (!spec.contains("securityContext") || spec["securityContext"].is_null()) spec["securityContext"] = json::object();
  if (spec["securityContext"].contains("fsGroup") && !spec["securityContext"]["fsGroup"].is_null()) return false;
  spec["securityContext"]["fsGroup"] = mesh.sidecar.run_as_group;
  return true;
}

void setMetadata(json& pod, const model::PaymentService& service, const json& record) {
  if (!pod.contains("metadata") || !pod["metadata"].is_object()) pod["metadata"] = json::object();
  json& meta = pod["metadata"];
  if (!meta.contains("labels") || !meta["labels"].is_object()) meta["labels"] = json::object();
  meta["labels"][model::kServiceLabel] = service.metadata.name;
  if (!meta.contains("annotations") || !meta["annotations"].is_object()) meta["annotations"] = json::object();
  meta["annotations"][kInjectedAnnotation] = record.dump();
}

// A digest of everything injected for this pod: equal digests, equal injections.
std::string injectionHash(const json& spec, const json& env_record, bool fs_group) {
  std::map<std::string, std::string> parts;
  for (const char* list : {"containers", "initContainers"})
    if (spec.contains(list))
      for (const auto& c : spec[list])
        if (c["name"] == kProxyContainer) parts["sidecar"] = c.dump();
  for (const auto& v : spec["volumes"])
    if (v["name"] == kConfigVolume || v["name"] == kTlsVolume) parts[v["name"].get<std::string>()] = v.dump();
  parts["env"] = env_record.dump();
  parts["fsGroup"] = fs_group ? spec["securityContext"]["fsGroup"].dump() : "";
  return policy::configHash(parts);
}

}  // namespace

const char* injectorVersion() { return PAYMESH_VERSION; }

Result<json> injectPod(const json& pod, const model::PaymentService& service, const model::MeshConfig& mesh) {
  RETURN_IF_ERROR(readPodFacts(pod).status());
  RETURN_IF_ERROR(checkInjectable(pod));
  json out = stripInjection(pod);
  json& spec = out["spec"];
  addSidecar(spec, mesh);
  addVolumes(spec, service);
  json env_record = addDependencyEnv(spec, service, mesh);
  bool fs_group = ensureFsGroup(spec, mesh);
  json record = {{"version", injectorVersion()},
                 {"image", mesh.sidecar.image},
                 {"mode", isNative(mesh) ? "Native" : "Classic"},
                 {"configHash", injectionHash(spec, env_record, fs_group)}};
  if (!env_record.empty()) record["env"] = std::move(env_record);
  if (fs_group) record["fsGroup"] = true;
  setMetadata(out, service, record);
  return out;
}

json jsonPatch(const json& from, const json& to) { return json::diff(from, to); }

}  // namespace paymesh::inject
