#include "inject/pod.h"

#include "base/field_path.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

Status wrongType(const std::string& path, const char* want) { return invalidArgument(path + ": must be " + want); }

// An optional map of strings (labels, annotations); absent or null is empty.
Result<Labels> stringMap(const json& parent, const char* key, const std::string& path) {
  Labels out;
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return out;
  if (!it->is_object()) return wrongType(path, "a map of strings");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return wrongType(childPath(path, k), "a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// An optional string field; absent or null is "".
Result<std::string> optionalString(const json& parent, const char* key, const std::string& path) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return std::string();
  if (!it->is_string()) return wrongType(path, "a string");
  return it->get<std::string>();
}

Status checkObjectList(const json& spec, const char* key, bool named, bool required) {
  const std::string path = std::string("spec.") + key;
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    return required ? invalidArgument(path + ": required") : Status::ok();
  }
  if (!it->is_array()) return wrongType(path, "a list");
  if (required && it->empty()) return invalidArgument(path + ": must not be empty");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    std::string at = indexPath(path, i);
    if (!item.is_object()) return wrongType(at, "an object");
    if (named && !(item.contains("name") && item["name"].is_string())) return wrongType(at + ".name", "a string");
    if (auto env = item.find("env"); named && env != item.end() && !env->is_null()) {
      if (!env->is_array()) return wrongType(at + ".env", "a list");
      for (size_t j = 0; j < env->size(); ++j) {
        const json& var = (*env)[j];
        if (!var.is_object() || !var.contains("name") || !var["name"].is_string())
          return wrongType(indexPath(at + ".env", j) + ".name", "a string");
      }
    }
  }
  return Status::ok();
}

}  // namespace

Result<PodFacts> readPodFacts(const json& pod) {
  if (!pod.is_object()) return invalidArgument("the pod must be a JSON object");
  PodFacts facts;
  const json empty = json::object();
  const json* meta = &empty;
  if (auto it = pod.find("metadata"); it != pod.end() && !it->is_null()) {
    if (!it->is_object()) return wrongType("metadata", "an object");
    meta = &*it;
  }
  ASSIGN_OR_RETURN(facts.labels, stringMap(*meta, "labels", "metadata.labels"));
  ASSIGN_OR_RETURN(facts.annotations, stringMap(*meta, "annotations", "metadata.annotations"));
  ASSIGN_OR_RETURN(std::string name, optionalString(*meta, "name", "metadata.name"));
  ASSIGN_OR_RETURN(std::string generate, optionalString(*meta, "generateName", "metadata.generateName"));
  facts.display_name = !name.empty() ? name : !generate.empty() ? generate + "*" : "(unnamed)";
  auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) return wrongType("spec", "an object");
  if (auto hn = spec->find("hostNetwork"); hn != spec->end() && !hn->is_null()) {
    if (!hn->is_boolean()) return wrongType("spec.hostNetwork", "a boolean");
    facts.host_network = hn->get<bool>();
  }
  ASSIGN_OR_RETURN(std::string sa, optionalString(*spec, "serviceAccountName", "spec.serviceAccountName"));
  ASSIGN_OR_RETURN(std::string legacy, optionalString(*spec, "serviceAccount", "spec.serviceAccount"));
  if (!sa.empty())
    facts.service_account = sa;
  else if (!legacy.empty())
    facts.service_account = legacy;
  return facts;
}

Status checkInjectable(const json& pod) {
  const json& spec = pod.at("spec");  // readPodFacts has checked it is an object
  RETURN_IF_ERROR(checkObjectList(spec, "containers", true, true));
  RETURN_IF_ERROR(checkObjectList(spec, "initContainers", true, false));
  RETURN_IF_ERROR(checkObjectList(spec, "volumes", true, false));
  if (auto sc = spec.find("securityContext"); sc != spec.end() && !sc->is_null() && !sc->is_object())
    return wrongType("spec.securityContext", "an object");
  return Status::ok();
}

const JsonShape& podShapeInjectionReads() {
  static const JsonShape kShape = [] {
    auto whole = JsonShape::whole();
    auto named = JsonShape::object({{"name", whole}});
    auto container = JsonShape::object({{"name", whole}, {"env", JsonShape::list(named)}});
    return JsonShape::object({
        {"metadata", JsonShape::object({{"name", whole},
                                        {"generateName", whole},
                                        {"namespace", whole},
                                        {"labels", whole},
                                        {"annotations", whole}})},
        {"spec", JsonShape::object({{"hostNetwork", whole},
                                    {"serviceAccountName", whole},
                                    {"serviceAccount", whole},
                                    {"securityContext", whole},
                                    {"containers", JsonShape::list(container)},
                                    {"initContainers", JsonShape::list(container)},
                                    {"volumes", JsonShape::list(container)}})},  // checked as containers are
    });
  }();
  return kShape;
}

std::string formatLabels(const Labels& labels) {
  if (labels.empty()) return "(no labels)";
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ", ";
    out += k + "=" + v;
  }
  return out;
}

}  // namespace paymesh::inject
