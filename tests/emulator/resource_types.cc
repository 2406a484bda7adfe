#include "emulator/resource_types.h"

#include <algorithm>

namespace paymesh::emulator {
namespace {

ResourceType make(std::string group, std::string version, std::string resource, std::string singular, std::string kind,
                  bool namespaced, bool has_status, std::vector<std::string> short_names = {}) {
  ResourceType t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.resource = std::move(resource);
  t.singular = std::move(singular);
  t.kind = std::move(kind);
  t.namespaced = namespaced;
  t.has_status = has_status;
  t.short_names = std::move(short_names);
  return t;
}

}  // namespace

nlohmann::json withVersion(const ResourceType& type, nlohmann::json obj) {
  obj["apiVersion"] = type.groupVersion();
  obj["kind"] = type.kind;
  return obj;
}

std::vector<ResourceType> builtinTypes() {
  std::vector<ResourceType> types = {
      make("", "v1", "namespaces", "namespace", "Namespace", false, true, {"ns"}),
      make("", "v1", "pods", "pod", "Pod", true, true, {"po"}),
      make("", "v1", "services", "service", "Service", true, true, {"svc"}),
      make("", "v1", "configmaps", "configmap", "ConfigMap", true, false, {"cm"}),
      make("", "v1", "secrets", "secret", "Secret", true, false),
      make("", "v1", "events", "event", "Event", true, false, {"ev"}),
      make("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, {"sa"}),
      make("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, false),
      make("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false),
      // Stored only (the emulator does not authorize by them), for charts that carry them.
      make("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, false),
      make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false,
           false),
      make("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, false),
      make("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, false),
      // Stored only (no controller makes pods from it), for manifests that carry one.
      make("apps", "v1", "deployments", "deployment", "Deployment", true, true, {"deploy"}),
      make("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, true, {"pdb"}),
      make("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration",
           "MutatingWebhookConfiguration", false, false),
      make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
           "CustomResourceDefinition", false, true, {"crd", "crds"}),
  };
  // kubectl's "all" category: the workload-ish kinds.
  for (auto& t : types) {
    if (t.resource == "pods" || t.resource == "services" || t.resource == "deployments") t.categories = {"all"};
  }
  return types;
}

CrdTypes typesFromCrd(const nlohmann::json& crd) {
  CrdTypes out;
  const auto& spec = crd.value("spec", nlohmann::json::object());
  const auto& names = spec.value("names", nlohmann::json::object());
  std::string group = spec.value("group", "");
  std::string plural = names.value("plural", "");
  std::string kind = names.value("kind", "");
  if (group.empty())
    out.error = "spec.group: Required value";
  else if (plural.empty())
    out.error = "spec.names.plural: Required value";
  else if (kind.empty())
    out.error = "spec.names.kind: Required value";
  else if (crd.value("metadata", nlohmann::json::object()).value("name", "") != plural + "." + group)
    out.error = "metadata.name: Invalid value: must be spec.names.plural+\".\"+spec.group";
  std::string scope = spec.value("scope", "Namespaced");
  if (out.error.empty() && scope != "Namespaced" && scope != "Cluster")
    out.error = "spec.scope: Unsupported value: \"" + scope + "\"";
  if (!spec.contains("versions") || !spec["versions"].is_array() || spec["versions"].empty()) {
    if (out.error.empty()) out.error = "spec.versions: Required value";
  }
  if (!out.error.empty()) return out;
  for (const auto& v : spec["versions"]) {
    if (!v.value("served", true)) continue;
    ResourceType t;
    t.group = group;
    t.version = v.value("name", "");
    t.resource = plural;
    t.singular = names.value("singular", "");
    if (t.singular.empty()) {
      t.singular = kind;
      for (auto& c : t.singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    t.kind = kind;
    t.namespaced = scope == "Namespaced";
    t.has_status = v.contains("subresources") && v["subresources"].contains("status");
    if (names.contains("shortNames")) t.short_names = names["shortNames"].get<std::vector<std::string>>();
    if (names.contains("categories")) t.categories = names["categories"].get<std::vector<std::string>>();
    if (v.contains("schema") && v["schema"].contains("openAPIV3Schema")) t.schema = v["schema"]["openAPIV3Schema"];
    if (v.contains("additionalPrinterColumns")) t.printer_columns = v["additionalPrinterColumns"];
    t.crd_name = crd["metadata"].value("name", "");
    if (t.version.empty()) {
      out.error = "spec.versions[].name: Required value";
      return out;
    }
    out.types.push_back(std::move(t));
  }
  return out;
}

TypeRegistry::TypeRegistry() {
  for (auto& t : builtinTypes()) types_[t.key()] = t;
}

const ResourceType* TypeRegistry::find(const std::string& group, const std::string& version,
                                       const std::string& resource) const {
  auto it = types_.find(group + "/" + version + "/" + resource);
  return it == types_.end() ? nullptr : &it->second;
}

const ResourceType* TypeRegistry::byStoreKey(const std::string& store_key) const {
  for (const auto& [k, t] : types_) {
    if (t.storeKey() == store_key) return &t;
  }
  return nullptr;
}

std::vector<const ResourceType*> TypeRegistry::all() const {
  std::vector<const ResourceType*> out;
  for (const auto& [k, t] : types_) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(),
                   [](const ResourceType* a, const ResourceType* b) { return a->group < b->group; });
  return out;
}

void TypeRegistry::registerCrd(const nlohmann::json& crd) {
  CrdTypes ct = typesFromCrd(crd);
  std::string name = crd["metadata"].value("name", "");
  std::erase_if(types_, [&](const auto& entry) { return entry.second.crd_name == name; });
  for (auto& t : ct.types) types_[t.key()] = t;
}

std::string TypeRegistry::unregisterCrd(const std::string& crd_name) {
  std::string store_key;
  for (auto it = types_.begin(); it != types_.end();) {
    if (it->second.crd_name == crd_name) {
      store_key = it->second.storeKey();
      it = types_.erase(it);
    } else {
      ++it;
    }
  }
  return store_key;
}

}  // namespace paymesh::emulator
