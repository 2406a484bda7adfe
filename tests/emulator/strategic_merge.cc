#include "emulator/strategic_merge.h"

#include <string>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

// The merge key of a list field, or "" when the list is replaced whole.
std::string mergeKeyFor(const std::string& field, const json& items) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "volumes" ||
      field == "env" || field == "imagePullSecrets" || field == "webhooks") {
    return "name";
  }
  if (field == "volumeMounts") return "mountPath";
  if (field == "conditions") return "type";
  if (field == "ownerReferences") return "uid";
  if (field == "ports") {
    for (const auto& it : items) {
      if (it.is_object() && it.contains("containerPort")) return "containerPort";
    }
    return "port";
  }
  return "";
}

void mergeList(json& target, const json& patch, const std::string& key) {
  for (const auto& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      target.push_back(item);
      continue;
    }
    bool remove = item.value("$patch", "") == "delete";
    bool found = false;
    for (auto it = target.begin(); it != target.end(); ++it) {
      if (it->is_object() && it->contains(key) && (*it)[key] == item[key]) {
        found = true;
        if (remove)
          target.erase(it);
        else
          strategicMerge(*it, item);
        break;
      }
    }
    if (!found && !remove) {
      json fresh = json::object();
      strategicMerge(fresh, item);
      target.push_back(fresh);
    }
  }
}

}  // namespace

void strategicMerge(json& target, const json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::object();
  if (patch.value("$patch", "") == "replace") {
    json copy = patch;
    copy.erase("$patch");
    target = copy;
    return;
  }
  for (const auto& [k, v] : patch.items()) {
    if (!k.empty() && k[0] == '$') continue;  // directives
    if (v.is_null()) {
      target.erase(k);
      continue;
    }
    if (v.is_array()) {
      std::string key = mergeKeyFor(k, v);
      if (!key.empty() && target.contains(k) && target[k].is_array()) {
        mergeList(target[k], v, key);
      } else {
        json list = json::array();
        if (!key.empty())
          mergeList(list, v, key);
        else
          list = v;
        target[k] = list;
      }
      continue;
    }
    if (v.is_object()) {
      strategicMerge(target[k], v);
      continue;
    }
    target[k] = v;
  }
}

}  // namespace paymesh::emulator
