#include "model/json_schema.h"

#include "base/duration.h"

namespace paymesh::model {

using nlohmann::ordered_json;

namespace {

ordered_json stringSchema(const Schema& schema) {
  ordered_json out = {{"type", "string"}};
  if (!schema.enum_values.empty()) {
    out["enum"] = schema.enum_values;
    return out;
  }
  if (schema.min_length) out["minLength"] = *schema.min_length;
  size_t max = schema.max_length ? static_cast<size_t>(*schema.max_length) : formatMaxLength(schema.format);
  if (max > 0) out["maxLength"] = max;
  if (std::string pattern = formatPattern(schema.format); !pattern.empty()) out["pattern"] = pattern;
  return out;
}

// JSON Schema has no duration type: the bounds the CRD checks with CEL go in the text.
std::string describe(const Schema& schema) {
  std::string text = schema.description;
  if (schema.format == Format::kDuration && schema.min_duration && schema.max_duration) {
    text += (text.empty() ? "" : " ") + std::string("A duration from ") + formatDuration(*schema.min_duration) +
            " to " + formatDuration(*schema.max_duration) + ".";
  }
  return text;
}

}  // namespace

ordered_json toJsonSchema(const Schema& schema) {
  ordered_json out;
  if (std::string text = describe(schema); !text.empty()) out["description"] = text;
  switch (schema.type) {
    case Schema::Type::kObject: {
      out["type"] = "object";
      ordered_json props = ordered_json::object();
      for (const auto& [name, prop] : schema.properties) props[name] = toJsonSchema(*prop);
      out["properties"] = props;
      out["additionalProperties"] = false;
      if (!schema.required.empty()) out["required"] = schema.required;
      if (schema.min_properties) out["minProperties"] = *schema.min_properties;
      break;
    }
    case Schema::Type::kFreeForm: out["type"] = "object"; break;
    case Schema::Type::kArray:
      out["type"] = "array";
      out["items"] = toJsonSchema(*schema.items);
      if (schema.min_items) out["minItems"] = *schema.min_items;
      if (schema.max_items) out["maxItems"] = *schema.max_items;
      if (schema.list_type == "set") out["uniqueItems"] = true;
      break;
    case Schema::Type::kString: out.update(stringSchema(schema)); break;
    case Schema::Type::kInteger:
      out["type"] = "integer";
      if (schema.minimum) out["minimum"] = *schema.minimum;
      if (schema.maximum) out["maximum"] = *schema.maximum;
      break;
    case Schema::Type::kBoolean: out["type"] = "boolean"; break;
    case Schema::Type::kStringMap: {
      out["type"] = "object";
      Schema key;
      key.format = schema.key_format;
      Schema value;
      value.format = schema.value_format;
      ordered_json names = stringSchema(key);
      names.erase("type");
      if (!names.empty()) out["propertyNames"] = names;
      out["additionalProperties"] = stringSchema(value);
      if (schema.min_properties) out["minProperties"] = *schema.min_properties;
      break;
    }
  }
  return out;
}

}  // namespace paymesh::model
