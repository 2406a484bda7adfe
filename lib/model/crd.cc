#include "model/crd.h"

#include "base/duration.h"
#include "model/payment_service.h"
#include "model/payment_service_schema.h"
#include "yaml/yaml.h"

namespace paymesh::model {

using nlohmann::ordered_json;

ordered_json toOpenApi(const Schema& schema) {
  ordered_json out;
  if (!schema.description.empty()) out["description"] = schema.description;
  switch (schema.type) {
    case Schema::Type::kObject: {
      out["type"] = "object";
      if (!schema.properties.empty()) {
        ordered_json props = ordered_json::object();
        for (const auto& [name, prop] : schema.properties) props[name] = toOpenApi(*prop);
        out["properties"] = props;
      }
      if (!schema.required.empty()) out["required"] = schema.required;
      if (schema.min_properties) out["minProperties"] = *schema.min_properties;
      break;
    }
    case Schema::Type::kFreeForm: out["type"] = "object"; break;
    case Schema::Type::kArray:
      out["type"] = "array";
      out["items"] = toOpenApi(*schema.items);
      if (schema.min_items) out["minItems"] = *schema.min_items;
      if (schema.max_items) out["maxItems"] = *schema.max_items;
      if (!schema.list_type.empty()) out["x-kubernetes-list-type"] = schema.list_type;
      if (!schema.list_map_keys.empty()) out["x-kubernetes-list-map-keys"] = schema.list_map_keys;
      break;
    case Schema::Type::kString: {
      out["type"] = "string";
      if (!schema.enum_values.empty()) out["enum"] = schema.enum_values;
      if (!schema.openapi_format.empty()) out["format"] = schema.openapi_format;
      if (schema.min_length) out["minLength"] = *schema.min_length;
      if (schema.max_length && schema.enum_values.empty()) out["maxLength"] = *schema.max_length;
      std::string pattern = formatPattern(schema.format);
      if (!pattern.empty()) out["pattern"] = pattern;
      break;
    }
    case Schema::Type::kInteger:
      out["type"] = "integer";
      out["format"] = "int64";
      if (schema.minimum) out["minimum"] = *schema.minimum;
      if (schema.maximum) out["maximum"] = *schema.maximum;
      break;
    case Schema::Type::kBoolean: out["type"] = "boolean"; break;
    case Schema::Type::kStringMap: {
      out["type"] = "object";
      ordered_json value = {{"type", "string"}};
      std::string vp = formatPattern(schema.value_format);
      if (size_t max = formatMaxLength(schema.value_format)) value["maxLength"] = max;
      if (!vp.empty()) value["pattern"] = vp;
      out["additionalProperties"] = value;
      if (schema.min_properties) out["minProperties"] = *schema.min_properties;
      break;
    }
  }
  if (schema.default_value) out["default"] = ordered_json::parse(schema.default_value->dump());
  ordered_json rules = ordered_json::array();
  if (schema.format == Format::kDuration && schema.min_duration && schema.max_duration) {
    std::string min = formatDuration(*schema.min_duration);
    std::string max = formatDuration(*schema.max_duration);
    rules.push_back({{"rule", "duration(self) >= duration('" + min + "') && duration(self) <= duration('" + max + "')"},
                     {"message", "must be between " + min + " and " + max}});
  }
  for (const auto& r : schema.rules) {
    ordered_json jr = {{"rule", r.rule}, {"message", r.message}};
    if (!r.field_path.empty()) jr["fieldPath"] = r.field_path;
    rules.push_back(jr);
  }
  if (!rules.empty()) out["x-kubernetes-validations"] = rules;
  return out;
}

ordered_json paymentServiceCrd() {
  ordered_json schema = toOpenApi(paymentServiceSchema());
  ordered_json columns = ordered_json::array({
      {{"name", "Policy"},
       {"type", "string"},
       {"jsonPath", ".spec.loadBalancing.policy"},
       {"description", "Load-balancing policy"}},
      {{"name", "Endpoints"},
       {"type", "integer"},
       {"jsonPath", ".status.endpoints"},
       {"description", "Ready endpoints in the ring"}},
      {{"name", "Ready"},
       {"type", "string"},
       {"jsonPath", ".status.conditions[?(@.type==\"Ready\")].status"},
       {"description", "Whether ring, configuration and certificate are in place"}},
      {{"name", "TLS"},
       {"type", "string"},
       {"jsonPath", ".spec.tls.mode"},
       {"priority", 1},
       {"description", "mTLS mode"}},
      {{"name", "Age"}, {"type", "date"}, {"jsonPath", ".metadata.creationTimestamp"}},
  });
  ordered_json crd;
  crd["apiVersion"] = "apiextensions.k8s.io/v1";
  crd["kind"] = "CustomResourceDefinition";
  crd["metadata"] = {{"name", std::string(kPlural) + "." + kGroup},
                     {"labels", {{"app.kubernetes.io/name", "paymesh"}, {"app.kubernetes.io/part-of", "paymesh"}}}};
  crd["spec"] = {{"group", kGroup},
                 {"names",
                  {{"kind", kKind},
                   {"listKind", std::string(kKind) + "List"},
                   {"plural", kPlural},
                   {"singular", "paymentservice"},
                   {"shortNames", {"psvc"}},
                   {"categories", {"paymesh"}}}},
                 {"scope", "Namespaced"},
                 {"versions", ordered_json::array({{{"name", kVersion},
                                                    {"served", true},
                                                    {"storage", true},
                                                    {"subresources", {{"status", ordered_json::object()}}},
                                                    {"additionalPrinterColumns", columns},
                                                    {"schema", {{"openAPIV3Schema", schema}}}}})}};
  return crd;
}

std::string paymentServiceCrdYaml() {
  return "# Generated by `paymeshctl crd` from the C++ model (lib/model). Do not edit by hand.\n" +
         yaml::toYaml(paymentServiceCrd());
}

}  // namespace paymesh::model
