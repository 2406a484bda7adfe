#pragma once
// Parsing JSON while keeping only the members a shape names: the document is checked
// whole (by simdjson, about ten times nlohmann's speed on this input), and only what the
// shape keeps becomes a nlohmann::json tree. A 10 KB pod whose injection reads a few
// dozen fields then costs a fast validating pass for everything else, with no tree
// built, copied and destroyed for it.
//
// A shape says, for a value: keep it whole; or, when it is an object, keep only the named
// members (each with its own shape); or, when it is a list, keep every item with one
// shape. A value whose type is not the one its shape expects is kept whole, so that a
// reader checking types sees exactly what json::parse would have given it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace paymesh {

class JsonShape {
public:
  static JsonShape whole() { return JsonShape(Kind::kWhole); }
  static JsonShape object(std::map<std::string, JsonShape, std::less<>> members) {
    JsonShape s(Kind::kObject);
    s.members_ = std::move(members);
    return s;
  }
  static JsonShape list(JsonShape items) {
    JsonShape s(Kind::kList);
    s.items_ = std::make_shared<JsonShape>(std::move(items));
    return s;
  }

  bool isObject() const { return kind_ == Kind::kObject; }
  bool isList() const { return kind_ == Kind::kList; }
  // The shape of member `key` of an object shape; nullptr: not kept.
  const JsonShape* member(std::string_view key) const {
    auto it = members_.find(key);
    return it == members_.end() ? nullptr : &it->second;
  }
  const JsonShape& items() const { return *items_; }

private:
  enum class Kind { kWhole, kObject, kList };
  explicit JsonShape(Kind k) : kind_(k) {}
  Kind kind_;
  std::map<std::string, JsonShape, std::less<>> members_;
  std::shared_ptr<const JsonShape> items_;
};

// The document with only what `shape` keeps; nullopt when `text` is not JSON (as
// json::parse decides). Numbers, strings and duplicate keys come out as json::parse
// gives them. JSON that simdjson does not hold (an integer past 64 bits, nesting past
// 1024 levels) is parsed by json::parse and returned whole.
std::optional<nlohmann::json> parseShaped(std::string_view text, const JsonShape& shape);

}  // namespace paymesh
