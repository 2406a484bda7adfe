#include "inject/workload.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

std::string str(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
}

std::string namespaceOf(const json& object) {
  std::string ns = object.contains("metadata") ? str(object["metadata"], "namespace") : "";
  return ns.empty() ? "default" : ns;
}

// Each injected pod's patch, with its paths moved under `prefix`.
void appendPatch(json& out, const json& patch, const std::string& prefix) {
  for (json op : patch) {
    op["path"] = prefix + op["path"].get<std::string>();
    if (op.contains("from")) op["from"] = prefix + op["from"].get<std::string>();
    out.push_back(std::move(op));
  }
}

}  // namespace

std::optional<json::json_pointer> podPointer(const json& object) {
  static const std::map<std::string, std::string> kTemplates = {
      {"Pod", ""},
      {"Deployment", "/spec/template"},
      {"StatefulSet", "/spec/template"},
      {"DaemonSet", "/spec/template"},
      {"ReplicaSet", "/spec/template"},
      {"ReplicationController", "/spec/template"},
      {"Job", "/spec/template"},
      {"CronJob", "/spec/jobTemplate/spec/template"},
  };
  auto it = kTemplates.find(str(object, "kind"));
  if (it == kTemplates.end()) return std::nullopt;
  json::json_pointer ptr(it->second);
  if (!object.contains(ptr) || !object[ptr].is_object()) return std::nullopt;
  return ptr;
}

WorkloadOutcome injectWorkload(const json& object, const ServicesByNamespace& services, const model::MeshConfig& mesh) {
  WorkloadOutcome out;
  out.object = object;
  if (str(object, "kind") == "List" && object.contains("items") && object["items"].is_array()) {
    for (size_t i = 0; i < object["items"].size(); ++i) {
      WorkloadOutcome item = injectWorkload(object["items"][i], services, mesh);
      std::string where = "items[" + std::to_string(i) + "]";
      appendPatch(out.patch, item.patch, "/items/" + std::to_string(i));
      out.object["items"][i] = std::move(item.object);
      for (auto& [pos, o] : item.pods) out.pods.emplace_back(pos.empty() ? where : where + "." + pos, std::move(o));
    }
    return out;
  }
  auto ptr = podPointer(object);
  if (!ptr) return out;
  static const std::vector<ServiceEntry> kNone;
  std::string ns = namespaceOf(object);
  auto it = services.find(ns);
  Outcome o = admitPod(object[*ptr], ns, it == services.end() ? kNone : it->second, mesh);
  if (o.verdict == Verdict::kInject) {
    out.object[*ptr] = o.pod;
    appendPatch(out.patch, o.patch, ptr->to_string());
  }
  out.pods.emplace_back("", std::move(o));
  return out;
}

}  // namespace paymesh::inject
