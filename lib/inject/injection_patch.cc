#include "inject/injection_patch.h"

#include <set>
#include <string>

#include "inject/names.h"
#include "inject/sidecar.h"
#include "model/endpoints.h"
#include "policy/sidecar_config.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

bool isNative(const model::MeshConfig& mesh) { return mesh.sidecar.mode == model::MeshConfig::SidecarMode::kNative; }

// A member that is absent or null: "add" on its path creates (or replaces) it whole.
bool absent(const json& parent, const char* key) {
  auto it = parent.find(key);
  return it == parent.end() || it->is_null();
}

json add(std::string path, json value) {
  return {{"op", "add"}, {"path", std::move(path)}, {"value", std::move(value)}};
}

class Builder {
public:
  Builder(const json& pod, const model::PaymentService& service, const model::MeshConfig& mesh)
      : pod_(pod), spec_(pod.at("spec")), service_(service), mesh_(mesh) {}

  json build() && {
    // Env first: the sidecar then goes in front of the init containers (Native) without
    // shifting the positions the env operations name.
    json env_record = addDependencyEnv();
    json sidecar = sidecarContainer(mesh_);
    json config = configVolume(service_);
    json tls = tlsVolume(service_);
    std::map<std::string, std::string> hashed = {{"sidecar", sidecar.dump()},
                                                 {kConfigVolume, config.dump()},
                                                 {kTlsVolume, tls.dump()},
                                                 {"env", env_record.dump()}};
    addSidecar(std::move(sidecar));
    addVolumes(std::move(config), std::move(tls));
    bool fs_group = addFsGroup();
    hashed["fsGroup"] = fs_group ? json(mesh_.sidecar.run_as_group).dump() : "";
    json record = {{"version", injectorVersion()},
                   {"image", mesh_.sidecar.image},
                   {"mode", isNative(mesh_) ? "Native" : "Classic"},
                   {"configHash", policy::configHash(hashed)}};
    if (!env_record.empty()) record["env"] = std::move(env_record);
    if (fs_group) record["fsGroup"] = true;
    addMetadata(record.dump());
    return std::move(ops_);
  }

private:
  // PAYMESH_*_ADDR for each app container (and, in Native mode, each init container, which
  // starts after the sidecar) that does not set it itself; returns {container: [names]}.
  json addDependencyEnv() {
    auto env = dependencyEnv(service_.spec);
    json record = json::object();
    if (env.empty()) return record;
    std::vector<const char*> lists = {"containers"};
    if (isNative(mesh_)) lists.push_back("initContainers");
    for (const char* list : lists) {
      if (absent(spec_, list)) continue;
      const json& containers = spec_.at(list);
      for (size_t i = 0; i < containers.size(); ++i) {
        json added = addEnv(containers[i], "/spec/" + std::string(list) + "/" + std::to_string(i) + "/env", env);
        if (!added.empty()) record[containers[i].at("name").get<std::string>()] = std::move(added);
      }
    }
    return record;
  }

  json addEnv(const json& container, const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& env) {
    std::set<std::string_view> present;
    bool has_list = !absent(container, "env");
    if (has_list)
      for (const auto& var : container.at("env")) present.insert(var.at("name").get_ref<const std::string&>());
    json added = json::array();
    json vars = json::array();
    for (const auto& [name, value] : env) {
      if (present.count(name)) continue;  // the user's wins
      vars.push_back({{"name", name}, {"value", value}});
      added.push_back(name);
    }
    if (vars.empty()) return added;
    if (!has_list) {
      ops_.push_back(add(path, std::move(vars)));
    } else {
      for (auto& v : vars) ops_.push_back(add(path + "/-", std::move(v)));
    }
    return added;
  }

  void addSidecar(json sidecar) {
    if (!isNative(mesh_)) return ops_.push_back(add("/spec/containers/-", std::move(sidecar)));
    if (absent(spec_, "initContainers")) return ops_.push_back(add("/spec/initContainers", json::array({sidecar})));
    ops_.push_back(add("/spec/initContainers/0", std::move(sidecar)));
  }

  void addVolumes(json config, json tls) {
    if (absent(spec_, "volumes")) return ops_.push_back(add("/spec/volumes", json::array({config, tls})));
    ops_.push_back(add("/spec/volumes/-", std::move(config)));
    ops_.push_back(add("/spec/volumes/-", std::move(tls)));
  }

  // The sidecar reads its key through the pod's fsGroup; returns whether it set one.
  bool addFsGroup() {
    if (absent(spec_, "securityContext"))
      return ops_.push_back(add("/spec/securityContext", {{"fsGroup", mesh_.sidecar.run_as_group}})), true;
    if (!absent(spec_.at("securityContext"), "fsGroup")) return false;
    ops_.push_back(add("/spec/securityContext/fsGroup", mesh_.sidecar.run_as_group));
    return true;
  }

  void addMetadata(std::string record) {
    json labels = {{model::kServiceLabel, service_.metadata.name}};
    json annotations = {{kInjectedAnnotation, std::move(record)}};
    if (absent(pod_, "metadata"))
      return ops_.push_back(add("/metadata", {{"labels", std::move(labels)}, {"annotations", std::move(annotations)}}));
    const json& meta = pod_.at("metadata");
    addEntry(meta, "labels", model::kServiceLabel, std::move(labels));
    addEntry(meta, "annotations", kInjectedAnnotation, std::move(annotations));
  }

  // One entry of the map metadata.<map>, or the map whole when it is absent.
  void addEntry(const json& meta, const char* map, const char* key, json whole) {
    const json::json_pointer path = json::json_pointer("/metadata") / map;  // to_string() escapes per RFC 6901
    if (absent(meta, map)) return ops_.push_back(add(path.to_string(), std::move(whole)));
    ops_.push_back(add((path / key).to_string(), std::move(whole[key])));
  }

  const json& pod_;
  const json& spec_;
  const model::PaymentService& service_;
  const model::MeshConfig& mesh_;
  json ops_ = json::array();
};

}  // namespace

json injectionPatch(const json& pod, const model::PaymentService& service, const model::MeshConfig& mesh) {
  return Builder(pod, service, mesh).build();
}

}  // namespace paymesh::inject
