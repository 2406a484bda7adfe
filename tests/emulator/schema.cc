#include "emulator/schema.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

std::string join(const std::string& path, const std::string& field) {
  return path.empty() ? field : path + "." + field;
}

bool typeMatches(const std::string& type, const json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  return true;
}

}  // namespace

void applyDefaults(const json& schema, json& value) {
  if (!schema.is_object()) return;
  if (value.is_object() && schema.contains("properties")) {
    for (const auto& [name, sub] : schema["properties"].items()) {
      if (!value.contains(name) && sub.contains("default")) value[name] = sub["default"];
      if (value.contains(name)) applyDefaults(sub, value[name]);
    }
  }
  if (value.is_object() && schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    for (auto& [k, v] : value.items()) applyDefaults(schema["additionalProperties"], v);
  }
  if (value.is_array() && schema.contains("items")) {
    for (auto& item : value) applyDefaults(schema["items"], item);
  }
}

void prune(const json& schema, json& value, bool root) {
  if (!schema.is_object()) return;
  if (schema.value("x-kubernetes-preserve-unknown-fields", false)) return;
  if (value.is_object()) {
    if (schema.contains("properties")) {
      const auto& props = schema["properties"];
      for (auto it = value.begin(); it != value.end();) {
        bool keep = props.contains(it.key()) ||
                    (root && (it.key() == "metadata" || it.key() == "apiVersion" || it.key() == "kind"));
        if (!keep) {
          it = value.erase(it);
          continue;
        }
        if (props.contains(it.key())) prune(props[it.key()], it.value(), false);
        ++it;
      }
    } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
      for (auto& [k, v] : value.items()) prune(schema["additionalProperties"], v, false);
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (auto& item : value) prune(schema["items"], item, false);
  }
}

void validate(const json& schema, const json& value, const std::string& path, std::vector<Cause>& causes) {
  if (!schema.is_object()) return;
  if (value.is_null() && schema.value("nullable", false)) return;
  if (schema.value("x-kubernetes-int-or-string", false)) {
    if (!value.is_string() && !value.is_number_integer())
      causes.push_back({"FieldValueTypeInvalid", path, "Invalid value: must be an integer or a string"});
    return;
  }
  std::string type = schema.value("type", "");
  if (!type.empty() && !typeMatches(type, value)) {
    causes.push_back({"FieldValueTypeInvalid", path,
                      "Invalid value: \"" + std::string(value.type_name()) + "\": " + path + " in body must be of type " + type});
    return;
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const auto& e : schema["enum"]) found = found || e == value;
    if (!found) {
      std::string allowed;
      for (const auto& e : schema["enum"]) allowed += (allowed.empty() ? "" : ", ") + e.dump();
      causes.push_back({"FieldValueNotSupported", path,
                        "Unsupported value: " + value.dump() + ": supported values: " + allowed});
    }
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
      causes.push_back({"FieldValueInvalid", path,
                        "Invalid value: " + value.dump() + ": " + path + " in body should be greater than or equal to " +
                            schema["minimum"].dump()});
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
      causes.push_back({"FieldValueInvalid", path,
                        "Invalid value: " + value.dump() + ": " + path + " in body should be less than or equal to " +
                            schema["maximum"].dump()});
  }
  if (value.is_string()) {
    auto len = value.get<std::string>().size();
    if (schema.contains("minLength") && len < schema["minLength"].get<size_t>())
      causes.push_back({"FieldValueInvalid", path, "Invalid value: " + value.dump() + ": " + path +
                                                       " in body should be at least " + schema["minLength"].dump() +
                                                       " chars long"});
    if (schema.contains("maxLength") && len > schema["maxLength"].get<size_t>())
      causes.push_back({"FieldValueTooLong", path, "Too long: may not be longer than " + schema["maxLength"].dump()});
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>())
      causes.push_back({"FieldValueInvalid", path, "Invalid value: " + path + " in body should have at least " +
                                                       schema["minItems"].dump() + " items"});
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<size_t>())
      causes.push_back({"FieldValueTooMany", path, "Too many: must have at most " + schema["maxItems"].dump() + " items"});
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i)
        validate(schema["items"], value[i], path + "[" + std::to_string(i) + "]", causes);
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const auto& r : schema["required"]) {
        std::string name = r.get<std::string>();
        if (!value.contains(name)) causes.push_back({"FieldValueRequired", join(path, name), "Required value"});
      }
    }
    if (schema.contains("properties")) {
      for (const auto& [name, sub] : schema["properties"].items()) {
        if (value.contains(name) && !(path.empty() && name == "metadata")) validate(sub, value[name], join(path, name), causes);
      }
    }
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
      for (const auto& [k, v] : value.items()) validate(schema["additionalProperties"], v, join(path, k), causes);
    }
  }
}

}  // namespace paymesh::emulator
