#pragma once
// A structural schema, held as data: the C++ validator walks it to default and check
// objects, and the CRD generator prints it as OpenAPI v3. One description of every
// field, so the model and crds/ cannot drift apart.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_path.h"
#include "model/formats.h"

namespace paymesh::model {

// A cross-field rule. `rule` is the CEL expression the API server evaluates; `id`
// names the C++ check that enforces the same rule (see crossFieldChecks()).
struct CelRule {
  std::string id;
  std::string rule;
  std::string message;
  std::string field_path;  // optional, relative ".field" the error is reported at
};

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Schema {
  enum class Type { kObject, kArray, kString, kInteger, kBoolean, kStringMap, kFreeForm };

  Type type = Type::kObject;
  std::string description;
  // kObject: properties in declaration order.
  std::vector<std::pair<std::string, SchemaPtr>> properties;
  std::vector<std::string> required;
  std::optional<int64_t> min_properties;
  // kArray
  SchemaPtr items;
  std::optional<int64_t> min_items, max_items;
  std::string list_type;  // "", "set", "map"
  std::vector<std::string> list_map_keys;
  // kString
  std::vector<std::string> enum_values;
  Format format = Format::kNone;
  std::optional<int64_t> min_length, max_length;
  std::string openapi_format;  // e.g. "date-time" (documentation only)
  // Format::kDuration bounds; the CRD carries them as generated CEL rules.
  std::optional<std::chrono::nanoseconds> min_duration, max_duration;
  // kInteger
  std::optional<int64_t> minimum, maximum;
  // kStringMap: keys and values checked with these formats.
  Format key_format = Format::kNone;
  Format value_format = Format::kNone;
  // any type
  std::optional<nlohmann::json> default_value;
  std::vector<CelRule> rules;

  const Schema* property(const std::string& name) const;
};

// Builders keep the schema definitions short and readable.
namespace s {
SchemaPtr object(std::string description, std::vector<std::pair<std::string, SchemaPtr>> props,
                 std::vector<std::string> required = {});
SchemaPtr string(std::string description, Format format = Format::kNone);
SchemaPtr enumeration(std::string description, std::vector<std::string> values);
SchemaPtr integer(std::string description, std::optional<int64_t> min, std::optional<int64_t> max);
SchemaPtr boolean(std::string description);
SchemaPtr array(std::string description, SchemaPtr items);
SchemaPtr stringMap(std::string description, Format key_format, Format value_format);
SchemaPtr freeForm(std::string description);
SchemaPtr duration(std::string description, const std::string& min, const std::string& max);
// A copy of `base` with a default value.
SchemaPtr withDefault(const SchemaPtr& base, nlohmann::json value);
// Returns a copy with a change applied: s::with(s::integer(...), [](Schema& x) { x.default_value = 3; })
template <typename F>
SchemaPtr with(const SchemaPtr& base, F&& f) {
  auto copy = std::make_shared<Schema>(*base);
  f(*copy);
  return copy;
}
}  // namespace s

// Fills defaults and checks types, enums, bounds, formats, required and unknown
// fields, appending one error per problem (all of them, not the first). Cross-field
// (CEL) rules are not evaluated here: the model checks them on typed values.
void defaultAndValidate(nlohmann::json& value, const Schema& schema, const std::string& path,
                        std::vector<FieldError>& errors);

// Human name of a JSON value's type, for errors: "string", "integer", "object", ...
std::string jsonTypeName(const nlohmann::json& v);

}  // namespace paymesh::model
