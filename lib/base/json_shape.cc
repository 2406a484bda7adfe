#include "base/json_shape.h"

#include <simdjson.h>

namespace paymesh {
namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

json convert(dom::element e, const JsonShape& shape);

json convertObject(dom::object o, const JsonShape& shape) {
  json out = json::object();
  for (auto [key, value] : o) {
    const JsonShape* child = shape.isObject() ? shape.member(key) : &shape;
    if (child) out[std::string(key)] = convert(value, *child);  // a later duplicate wins, as in json::parse
  }
  return out;
}

json convertArray(dom::array a, const JsonShape& shape) {
  json out = json::array();
  const JsonShape& items = shape.isList() ? shape.items() : shape;
  for (dom::element item : a) out.push_back(convert(item, items));
  return out;
}

// A value whose type is not the one its shape expects is converted whole.
json convert(dom::element e, const JsonShape& shape) {
  static const JsonShape kWhole = JsonShape::whole();
  switch (e.type()) {
    case dom::element_type::OBJECT:
      return convertObject(e.get_object().value_unsafe(), shape.isObject() ? shape : kWhole);
    case dom::element_type::ARRAY: return convertArray(e.get_array().value_unsafe(), shape.isList() ? shape : kWhole);
    case dom::element_type::STRING: return std::string(e.get_string().value_unsafe());
    case dom::element_type::INT64: {
      int64_t v = e.get_int64().value_unsafe();
      if (v >= 0) return static_cast<uint64_t>(v);  // json::parse holds non-negative integers unsigned
      return v;
    }
    case dom::element_type::UINT64: return e.get_uint64().value_unsafe();
    case dom::element_type::DOUBLE: return e.get_double().value_unsafe();
    case dom::element_type::BOOL: return e.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE: return nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<json> parseShaped(std::string_view text, const JsonShape& shape) {
  // One parser per thread: it keeps its buffers (as large as the largest document seen)
  // from one document to the next.
  thread_local dom::parser parser;
  dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc) == simdjson::SUCCESS) return convert(doc, shape);
  json whole = json::parse(text, nullptr, false);
  if (whole.is_discarded()) return std::nullopt;
  return whole;
}

}  // namespace paymesh
