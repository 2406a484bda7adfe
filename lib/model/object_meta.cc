#include "model/object_meta.h"

#include <set>

#include "model/formats.h"
#include "model/schema.h"

namespace paymesh::model {
namespace {

// ObjectMeta fields a manifest may carry; paymesh reads some and ignores the rest.
const std::set<std::string>& knownFields() {
  static const std::set<std::string> fields = {"name",
                                               "generateName",
                                               "namespace",
                                               "uid",
                                               "resourceVersion",
                                               "generation",
                                               "labels",
                                               "annotations",
                                               "creationTimestamp",
                                               "deletionTimestamp",
                                               "deletionGracePeriodSeconds",
                                               "finalizers",
                                               "ownerReferences",
                                               "managedFields",
                                               "selfLink"};
  return fields;
}

void readStringMap(const nlohmann::json& m, const std::string& path, Format key_format, Format value_format,
                   std::map<std::string, std::string>& out, std::vector<FieldError>& errors) {
  if (!m.is_object()) {
    if (!m.is_null()) errors.push_back({path, "must be an object, got " + jsonTypeName(m)});
    return;
  }
  for (const auto& [k, v] : m.items()) {
    std::string child = childPath(path, k);
    if (auto bad = checkFormat(key_format, k)) errors.push_back({child, "key " + *bad});
    if (!v.is_string()) {
      errors.push_back({child, "must be a string, got " + jsonTypeName(v)});
      continue;
    }
    if (auto bad = checkFormat(value_format, v.get_ref<const std::string&>())) errors.push_back({child, *bad});
    out[k] = v.get<std::string>();
  }
}

}  // namespace

ObjectMeta parseObjectMeta(const nlohmann::json& metadata, std::vector<FieldError>& errors) {
  ObjectMeta meta;
  if (!metadata.is_object()) {
    errors.push_back({"metadata", metadata.is_null() ? "required field is missing"
                                                     : "must be an object, got " + jsonTypeName(metadata)});
    return meta;
  }
  for (const auto& [k, v] : metadata.items()) {
    if (knownFields().count(k) == 0)
      errors.push_back({childPath("metadata", k), "unknown field \"" + k.substr(0, 64) + "\""});
  }
  auto name = metadata.find("name");
  if (name == metadata.end() || name->is_null()) {
    errors.push_back({"metadata.name", "required field is missing"});
  } else if (!name->is_string()) {
    errors.push_back({"metadata.name", "must be a string, got " + jsonTypeName(*name)});
  } else {
    meta.name = name->get<std::string>();
    if (auto bad = checkFormat(Format::kDns1123Label, meta.name)) errors.push_back({"metadata.name", *bad});
  }
  if (auto ns = metadata.find("namespace"); ns != metadata.end() && !ns->is_null()) {
    if (!ns->is_string()) {
      errors.push_back({"metadata.namespace", "must be a string, got " + jsonTypeName(*ns)});
    } else {
      meta.namespace_ = ns->get<std::string>();
      if (auto bad = checkFormat(Format::kDns1123Label, meta.namespace_))
        errors.push_back({"metadata.namespace", *bad});
    }
  }
  if (auto it = metadata.find("labels"); it != metadata.end()) {
    readStringMap(*it, "metadata.labels", Format::kLabelKey, Format::kLabelValue, meta.labels, errors);
  }
  if (auto it = metadata.find("annotations"); it != metadata.end()) {
    readStringMap(*it, "metadata.annotations", Format::kLabelKey, Format::kNone, meta.annotations, errors);
  }
  if (auto it = metadata.find("uid"); it != metadata.end() && it->is_string()) meta.uid = it->get<std::string>();
  if (auto it = metadata.find("resourceVersion"); it != metadata.end() && it->is_string()) {
    meta.resource_version = it->get<std::string>();
  }
  if (auto it = metadata.find("generation"); it != metadata.end() && it->is_number_integer()) {
    meta.generation = it->get<int64_t>();
  }
  return meta;
}

}  // namespace paymesh::model
