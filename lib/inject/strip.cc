#include "inject/strip.h"

#include <algorithm>
#include <set>
#include <string>

#include "inject/names.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

// The record of a previous injection; an unreadable one records nothing.
json injectedRecord(const json& pod) {
  const json* ann = pod.contains("metadata") && pod["metadata"].is_object() ? &pod["metadata"] : nullptr;
  if (!ann || !ann->contains("annotations") || !(*ann)["annotations"].is_object()) return json::object();
  const json& all = (*ann)["annotations"];
  auto it = all.find(kInjectedAnnotation);
  if (it == all.end() || !it->is_string()) return json::object();
  json record = json::parse(it->get<std::string>(), nullptr, false);
  return record.is_object() ? record : json::object();
}

void eraseIfEmpty(json& parent, const char* key) {
  auto it = parent.find(key);
  if (it != parent.end() && (it->is_array() || it->is_object()) && it->empty()) parent.erase(it);
}

// An object whose string "name" is one of `names`.
bool namedOneOf(const json& item, const std::set<std::string>& names) {
  auto name = item.is_object() ? item.find("name") : item.end();
  return name != item.end() && name->is_string() && names.count(name->get_ref<const std::string&>()) > 0;
}

void removeNamed(json& spec, const char* key, const std::set<std::string>& names, bool erase_empty = true) {
  auto it = spec.find(key);
  if (it == spec.end() || !it->is_array()) return;
  auto named = [&](const json& item) { return namedOneOf(item, names); };
  if (std::none_of(it->begin(), it->end(), named)) return;  // a list the injection never touched stays as it is
  json kept = json::array();
  for (auto& item : *it)
    if (!named(item)) kept.push_back(std::move(item));
  *it = std::move(kept);
  if (erase_empty) eraseIfEmpty(spec, key);
}

void removeRecordedEnv(json& spec, const json& env_record) {
  if (!env_record.is_object()) return;
  for (const char* list : {"containers", "initContainers"}) {
    auto it = spec.find(list);
    if (it == spec.end() || !it->is_array()) continue;
    for (auto& c : *it) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
      auto rec = env_record.find(c["name"].get<std::string>());
      if (rec == env_record.end() || !rec->is_array()) continue;
      std::set<std::string> names;
      for (const auto& n : *rec)
        if (n.is_string()) names.insert(n.get<std::string>());
      removeNamed(c, "env", names);
    }
  }
}

}  // namespace

json stripInjection(json pod) {
  if (!pod.is_object() || !pod.contains("spec") || !pod["spec"].is_object()) return pod;
  json record = injectedRecord(pod);
  json& spec = pod["spec"];
  removeNamed(spec, "containers", {kProxyContainer}, false);  // required, even if empty
  removeNamed(spec, "initContainers", {kProxyContainer});
  removeNamed(spec, "volumes", {kConfigVolume, kTlsVolume});
  removeRecordedEnv(spec, record.value("env", json::object()));
  if (record.value("fsGroup", false) && spec.contains("securityContext") && spec["securityContext"].is_object()) {
    spec["securityContext"].erase("fsGroup");
    eraseIfEmpty(spec, "securityContext");
  }
  if (pod.contains("metadata") && pod["metadata"].is_object() && pod["metadata"].contains("annotations") &&
      pod["metadata"]["annotations"].is_object() && pod["metadata"]["annotations"].erase(kInjectedAnnotation) > 0)
    eraseIfEmpty(pod["metadata"], "annotations");
  return pod;
}

bool carriesInjection(const json& pod) {
  auto spec = pod.is_object() ? pod.find("spec") : pod.end();
  if (spec == pod.end() || !spec->is_object()) return false;
  auto has = [&](const char* list, const std::set<std::string>& names) {
    auto it = spec->find(list);
    return it != spec->end() && it->is_array() &&
           std::any_of(it->begin(), it->end(), [&](const json& item) { return namedOneOf(item, names); });
  };
  if (has("containers", {kProxyContainer}) || has("initContainers", {kProxyContainer}) ||
      has("volumes", {kConfigVolume, kTlsVolume}))
    return true;
  auto meta = pod.find("metadata");
  if (meta == pod.end() || !meta->is_object()) return false;
  auto ann = meta->find("annotations");
  return ann != meta->end() && ann->is_object() && ann->contains(kInjectedAnnotation);
}

}  // namespace paymesh::inject
