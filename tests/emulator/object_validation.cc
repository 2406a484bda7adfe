#include "emulator/object_validation.h"

#include "base/base64.h"
#include "emulator/schema.h"
#include "model/formats.h"

namespace paymesh::emulator {
namespace {

using model::checkFormat;
using model::Format;
using nlohmann::json;

const char* kLabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

// apimachinery's RegexError: the rule, examples, and the regular expression.
std::string regexError(const std::string& rule, const std::string& fmt, const std::vector<std::string>& examples) {
  std::string msg = rule + " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) msg += (i ? " or '" : "'") + examples[i] + "', ";
  return msg + "regex used for validation is '" + fmt + "')";
}

// The reasons a name breaks the rule, as apimachinery's IsDNS1123Subdomain & co. word them.
std::vector<std::string> dnsNameProblems(const ResourceType& type, const std::string& name) {
  auto tooLong = [](size_t n) { return "must be no more than " + std::to_string(n) + " characters"; };
  if (type.kind == "Namespace") {
    if (name.size() > 63) return {tooLong(63)};
    if (!checkFormat(Format::kDns1123Label, name)) return {};
    if (!checkFormat(Format::kDns1123Subdomain, name)) return {"must not contain dots"};
    return {
        regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                   "must start and end with an alphanumeric character",
                   kLabelFmt, {"my-name", "123-abc"})};
  }
  if (type.kind == "Service") {
    if (name.size() > 63) return {tooLong(63)};
    if (!checkFormat(Format::kDns1123Label, name) && name[0] >= 'a' && name[0] <= 'z') return {};
    return {
        regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                   "alphabetic character, and end with an alphanumeric character",
                   "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"})};
  }
  if (name.size() > 253) return {tooLong(253)};
  if (!checkFormat(Format::kDns1123Subdomain, name)) return {};
  return {
      regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character",
                 std::string(kLabelFmt) + "(\\." + kLabelFmt + ")*", {"example.com"})};
}

// RBAC objects only need a name that is a path segment (so "system:aggregate-to-view" is fine).
std::vector<std::string> pathSegmentProblems(const std::string& name) {
  if (name == "." || name == "..") return {"may not be '" + name + "'"};
  std::vector<std::string> out;
  for (const char* bad : {"/", "%"}) {
    if (name.find(bad) != std::string::npos) out.push_back(std::string("may not contain '") + bad + "'");
  }
  return out;
}

void checkStringMap(const json& m, const char* field, std::vector<Cause>& causes) {
  if (!m.contains(field) || m[field].is_null()) return;
  bool ok = m[field].is_object();
  if (ok) {
    for (const auto& [k, v] : m[field].items()) ok = ok && v.is_string();
  }
  if (!ok)
    causes.push_back(
        {"FieldValueTypeInvalid", std::string("metadata.") + field, "Invalid value: must map strings to strings"});
}

void checkOwnerReferences(const json& refs, std::vector<Cause>& causes) {
  if (!refs.is_array()) {
    causes.push_back({"FieldValueTypeInvalid", "metadata.ownerReferences", "Invalid value: must be a list"});
    return;
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string p = "metadata.ownerReferences[" + std::to_string(i) + "]";
    if (!refs[i].is_object()) {
      causes.push_back({"FieldValueTypeInvalid", p, "Invalid value: must be an object"});
      continue;
    }
    for (const char* f : {"apiVersion", "kind", "name", "uid"}) {
      if (!refs[i].contains(f) || !refs[i][f].is_string() || refs[i][f].get<std::string>().empty())
        causes.push_back({"FieldValueRequired", p + "." + f, "Required value"});
    }
  }
}

void checkPodContainers(const json& obj, std::vector<Cause>& causes) {
  const json& spec = obj.value("spec", json::object());
  if (!spec.contains("containers") || !spec["containers"].is_array() || spec["containers"].empty()) {
    causes.push_back({"FieldValueRequired", "spec.containers", "Required value"});
    return;
  }
  for (size_t i = 0; i < spec["containers"].size(); ++i) {
    const auto& c = spec["containers"][i];
    std::string p = "spec.containers[" + std::to_string(i) + "]";
    if (!c.is_object() || c.value("name", "").empty())
      causes.push_back({"FieldValueRequired", p + ".name", "Required value"});
    if (!c.is_object() || c.value("image", "").empty())
      causes.push_back({"FieldValueRequired", p + ".image", "Required value"});
  }
}

// Adds the bytes of each value: as they are ("data" of a ConfigMap) or base64-decoded.
void addSizes(const json& obj, const char* field, bool base64, size_t& total, std::vector<Cause>& causes) {
  if (!obj.contains(field) || !obj[field].is_object()) return;
  for (const auto& [key, value] : obj[field].items()) {
    if (!value.is_string()) {
      causes.push_back(
          {"FieldValueTypeInvalid", std::string(field) + "[" + key + "]", "Invalid value: must be a string"});
      continue;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (!base64) {
      total += text.size();
      continue;
    }
    auto decoded = base64Decode(text);
    if (decoded.isOk())
      total += decoded.value().size();
    else
      causes.push_back(
          {"FieldValueInvalid", std::string(field) + "[" + key + "]", "Invalid value: illegal base64 data"});
  }
}

// kube-apiserver's ValidateConfigMap and ValidateSecret size rules, with their paths: "[]" (the
// whole object) for a ConfigMap, "data" for a Secret.
void checkDataSize(const ResourceType& type, const json& obj, std::vector<Cause>& causes) {
  size_t total = 0;
  if (type.kind == "ConfigMap") {
    addSizes(obj, "data", false, total, causes);
    addSizes(obj, "binaryData", true, total, causes);
  } else {
    addSizes(obj, "data", true, total, causes);
  }
  if (total > kMaxDataBytes)
    causes.push_back({"FieldValueTooLong", type.kind == "ConfigMap" ? "[]" : "data",
                      "Too long: may not be more than " + std::to_string(kMaxDataBytes) + " bytes"});
}

// As kube-apiserver: type defaults to Opaque; stringData is write-only, its entries replace
// data's, base64-encoded.
void normalizeSecret(json& secret) {
  if (secret.value("type", json("")) == "") secret["type"] = "Opaque";
  if (!secret.contains("stringData")) return;
  if (secret["stringData"].is_object()) {
    for (const auto& [key, value] : secret["stringData"].items()) {
      if (value.is_string()) secret["data"][key] = base64Encode(value.get<std::string>());
    }
  }
  secret.erase("stringData");
}

}  // namespace

std::vector<Cause> metadataCauses(const json& obj) {
  std::vector<Cause> causes;
  if (!obj.contains("metadata")) return causes;
  const json& m = obj["metadata"];
  if (!m.is_object()) return {{"FieldValueTypeInvalid", "metadata", "Invalid value: must be an object"}};
  for (const char* f : {"name", "generateName", "namespace", "resourceVersion", "uid"}) {
    if (m.contains(f) && !m[f].is_string())
      causes.push_back({"FieldValueTypeInvalid", std::string("metadata.") + f, "Invalid value: must be a string"});
  }
  checkStringMap(m, "labels", causes);
  checkStringMap(m, "annotations", causes);
  if (m.contains("finalizers") && !m["finalizers"].is_null()) {
    bool ok = m["finalizers"].is_array();
    if (ok) {
      for (const auto& v : m["finalizers"]) ok = ok && v.is_string();
    }
    if (!ok)
      causes.push_back({"FieldValueTypeInvalid", "metadata.finalizers", "Invalid value: must be a list of strings"});
  }
  if (m.contains("ownerReferences") && !m["ownerReferences"].is_null())
    checkOwnerReferences(m["ownerReferences"], causes);
  return causes;
}

std::vector<Cause> nameCauses(const ResourceType& type, const std::string& name) {
  bool rbac = type.group == "rbac.authorization.k8s.io";
  std::vector<Cause> causes;
  for (const auto& problem : rbac ? pathSegmentProblems(name) : dnsNameProblems(type, name))
    causes.push_back({"FieldValueInvalid", "metadata.name", "Invalid value: " + json(name).dump() + ": " + problem});
  return causes;
}

std::vector<Cause> normalizeAndValidate(const ResourceType& type, json& obj, bool creating) {
  std::vector<Cause> causes;
  if (!type.schema.is_null()) {
    prune(type.schema, obj);
    applyDefaults(type.schema, obj);
    validate(type.schema, obj, "", causes);
  }
  if (type.kind == "Pod") checkPodContainers(obj, causes);
  if (type.group.empty() && type.kind == "Secret") normalizeSecret(obj);
  if (type.group.empty() && (type.kind == "ConfigMap" || type.kind == "Secret")) checkDataSize(type, obj, causes);
  if (type.kind == "CustomResourceDefinition" && creating) {
    CrdTypes crd = typesFromCrd(obj);
    if (!crd.error.empty()) {
      auto colon = crd.error.find(':');
      causes.push_back({"FieldValueInvalid", crd.error.substr(0, colon), crd.error.substr(colon + 2)});
    }
  }
  return causes;
}

}  // namespace paymesh::emulator
