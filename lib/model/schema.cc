#include "model/schema.h"

#include <algorithm>
#include <set>

#include "base/duration.h"

namespace paymesh::model {

const Schema* Schema::property(const std::string& name) const {
  for (const auto& [n, p] : properties) {
    if (n == name) return p.get();
  }
  return nullptr;
}

namespace s {

SchemaPtr object(std::string description, std::vector<std::pair<std::string, SchemaPtr>> props,
                 std::vector<std::string> required) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kObject;
  x->description = std::move(description);
  x->properties = std::move(props);
  x->required = std::move(required);
  return x;
}

SchemaPtr string(std::string description, Format format) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kString;
  x->description = std::move(description);
  x->format = format;
  if (size_t max = formatMaxLength(format); max > 0) x->max_length = static_cast<int64_t>(max);
  return x;
}

SchemaPtr enumeration(std::string description, std::vector<std::string> values) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kString;
  x->description = std::move(description);
  x->enum_values = std::move(values);
  return x;
}

SchemaPtr integer(std::string description, std::optional<int64_t> min, std::optional<int64_t> max) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kInteger;
  x->description = std::move(description);
  x->minimum = min;
  x->maximum = max;
  return x;
}

SchemaPtr boolean(std::string description) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kBoolean;
  x->description = std::move(description);
  return x;
}

SchemaPtr array(std::string description, SchemaPtr items) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kArray;
  x->description = std::move(description);
  x->items = std::move(items);
  return x;
}

SchemaPtr stringMap(std::string description, Format key_format, Format value_format) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kStringMap;
  x->description = std::move(description);
  x->key_format = key_format;
  x->value_format = value_format;
  return x;
}

SchemaPtr duration(std::string description, const std::string& min, const std::string& max) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kString;
  x->description = std::move(description);
  x->format = Format::kDuration;
  x->max_length = static_cast<int64_t>(formatMaxLength(Format::kDuration));
  // Bounds are written by the schema's authors: a bad literal is a programming error.
  x->min_duration = parseDuration(min).value();
  x->max_duration = parseDuration(max).value();
  return x;
}

SchemaPtr withDefault(const SchemaPtr& base, nlohmann::json value) {
  return with(base, [&](Schema& m) { m.default_value = std::move(value); });
}

SchemaPtr freeForm(std::string description) {
  auto x = std::make_shared<Schema>();
  x->type = Schema::Type::kFreeForm;
  x->description = std::move(description);
  return x;
}

}  // namespace s

std::string jsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "object";
    case nlohmann::json::value_t::array: return "array";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::boolean: return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    case nlohmann::json::value_t::number_float: return "number";
    default: return "unknown";
  }
}

namespace {

std::string shortValue(const nlohmann::json& v) {
  std::string text = v.dump();
  if (text.size() > 64) text = text.substr(0, 64) + "...";
  return text;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += "\"" + v + "\"";
  }
  return out;
}

void checkString(const std::string& text, const Schema& schema, const std::string& path,
                 std::vector<FieldError>& errors) {
  if (!schema.enum_values.empty()) {
    if (std::find(schema.enum_values.begin(), schema.enum_values.end(), text) == schema.enum_values.end()) {
      errors.push_back(
          {path, "unsupported value " + shortValue(text) + ": must be one of " + joined(schema.enum_values)});
    }
    return;
  }
  if (schema.max_length && static_cast<int64_t>(text.size()) > *schema.max_length) {
    errors.push_back({path, "must be at most " + std::to_string(*schema.max_length) + " characters long, got " +
                                std::to_string(text.size())});
    return;
  }
  if (schema.min_length && static_cast<int64_t>(text.size()) < *schema.min_length) {
    errors.push_back({path, "must be at least " + std::to_string(*schema.min_length) + " characters long"});
    return;
  }
  if (auto bad = checkFormat(schema.format, text)) {
    errors.push_back({path, *bad});
    return;
  }
  if (schema.format == Format::kDuration && (schema.min_duration || schema.max_duration)) {
    auto d = parseDuration(text).value();
    if ((schema.min_duration && d < *schema.min_duration) || (schema.max_duration && d > *schema.max_duration)) {
      errors.push_back({path, "must be between " + formatDuration(*schema.min_duration) + " and " +
                                  formatDuration(*schema.max_duration) + ", got " + text});
    }
  }
}

}  // namespace

// The validator's one walk: a short case per schema type, kept in one switch so the
// recursion over objects and arrays reads in one place.
void defaultAndValidate(nlohmann::json& value, const Schema& schema, const std::string& path,
                        std::vector<FieldError>& errors) {
  using Type = Schema::Type;
  switch (schema.type) {
    case Type::kFreeForm: return;
    case Type::kBoolean:
      if (!value.is_boolean()) errors.push_back({path, "must be a boolean, got " + jsonTypeName(value)});
      return;
    case Type::kInteger: {
      if (!value.is_number_integer()) {
        errors.push_back({path, "must be an integer, got " + jsonTypeName(value) +
                                    (value.is_number_float() ? " " + shortValue(value) : "")});
        return;
      }
      if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        errors.push_back({path, "must be at most " + std::to_string(schema.maximum.value_or(INT64_MAX)) + ", got " +
                                    shortValue(value)});
        return;
      }
      int64_t v = value.get<int64_t>();
      if (schema.minimum && v < *schema.minimum) {
        errors.push_back({path, "must be at least " + std::to_string(*schema.minimum) + ", got " + std::to_string(v)});
      } else if (schema.maximum && v > *schema.maximum) {
        errors.push_back({path, "must be at most " + std::to_string(*schema.maximum) + ", got " + std::to_string(v)});
      }
      return;
    }
    case Type::kString:
      if (!value.is_string()) {
        errors.push_back({path, "must be a string, got " + jsonTypeName(value)});
        return;
      }
      checkString(value.get_ref<const std::string&>(), schema, path, errors);
      return;
    case Type::kStringMap:
      if (!value.is_object()) {
        errors.push_back({path, "must be an object, got " + jsonTypeName(value)});
        return;
      }
      for (auto& [k, v] : value.items()) {
        std::string child = childPath(path, k);
        if (auto bad = checkFormat(schema.key_format, k)) errors.push_back({child, "key " + *bad});
        if (!v.is_string()) {
          errors.push_back({child, "must be a string, got " + jsonTypeName(v)});
        } else if (auto badv = checkFormat(schema.value_format, v.get_ref<const std::string&>())) {
          errors.push_back({child, *badv});
        }
      }
      if (schema.min_properties && static_cast<int64_t>(value.size()) < *schema.min_properties) {
        errors.push_back({path, "must have at least " + std::to_string(*schema.min_properties) + " entr" +
                                    (*schema.min_properties == 1 ? "y" : "ies")});
      }
      return;
    case Type::kArray: {
      if (!value.is_array()) {
        errors.push_back({path, "must be a list, got " + jsonTypeName(value)});
        return;
      }
      int64_t n = static_cast<int64_t>(value.size());
      if (schema.min_items && n < *schema.min_items) {
        errors.push_back({path, "must have at least " + std::to_string(*schema.min_items) + " item" +
                                    (*schema.min_items == 1 ? "" : "s")});
      }
      if (schema.max_items && n > *schema.max_items) {
        errors.push_back(
            {path, "must have at most " + std::to_string(*schema.max_items) + " items, got " + std::to_string(n)});
        return;  // do not walk a list that is too long
      }
      for (size_t i = 0; i < value.size(); ++i) {
        defaultAndValidate(value[i], *schema.items, indexPath(path, i), errors);
      }
      // Duplicate detection as the API server does for list-type set and map.
      if (schema.list_type == "set") {
        std::set<std::string> seen;
        for (size_t i = 0; i < value.size(); ++i) {
          if (!seen.insert(value[i].dump()).second) {
            errors.push_back({indexPath(path, i), "duplicate value " + shortValue(value[i])});
          }
        }
      } else if (schema.list_type == "map") {
        std::set<std::string> seen;
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value[i].is_object()) continue;
          std::string key;
          for (const auto& k : schema.list_map_keys) key += value[i].value(k, nlohmann::json()).dump() + "/";
          if (!seen.insert(key).second) {
            std::string name = schema.list_map_keys.empty() ? "" : schema.list_map_keys.front();
            errors.push_back({indexPath(path, i), "duplicate entry with " + name + " " +
                                                      shortValue(value[i].value(name, nlohmann::json()))});
          }
        }
      }
      return;
    }
    case Type::kObject: {
      if (!value.is_object()) {
        errors.push_back({path, "must be an object, got " + jsonTypeName(value)});
        return;
      }
      // Unknown fields first, in sorted order, as strict field validation reports them.
      for (auto& [k, v] : value.items()) {
        if (schema.property(k) == nullptr)
          errors.push_back({childPath(path, k), "unknown field \"" + k.substr(0, 64) + "\""});
      }
      for (const auto& [name, prop] : schema.properties) {
        auto it = value.find(name);
        // An explicit null is pruned and then defaulted, as the API server does for
        // fields that are not nullable.
        if (it != value.end() && it->is_null()) {
          value.erase(it);
          it = value.end();
        }
        if (it == value.end()) {
          if (prop->default_value) {
            value[name] = *prop->default_value;
            it = value.find(name);
          } else {
            if (std::find(schema.required.begin(), schema.required.end(), name) != schema.required.end()) {
              errors.push_back({childPath(path, name), "required field is missing"});
            }
            continue;
          }
        }
        defaultAndValidate(*it, *prop, childPath(path, name), errors);
      }
      if (schema.min_properties && static_cast<int64_t>(value.size()) < *schema.min_properties) {
        errors.push_back({path, "must have at least " + std::to_string(*schema.min_properties) + " field" +
                                    (*schema.min_properties == 1 ? "" : "s")});
      }
      return;
    }
  }
}

}  // namespace paymesh::model
