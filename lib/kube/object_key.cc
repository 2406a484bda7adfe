#include "kube/object_key.h"

#include "base/json_fields.h"
#include "kube/store.h"

namespace paymesh::kube {

std::string ObjectKey::str() const { return Store::keyOf(ns, name); }

ObjectKey ObjectKey::of(const nlohmann::json& object) {
  const auto& meta = metadataOf(object);
  auto text = [&](const char* key) {
    auto it = meta.find(key);
    return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return {text(fields::kNamespace), text(fields::kName)};
}

const nlohmann::json& metadataOf(const nlohmann::json& object) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(fields::kMetadata);
  return it == object.end() || !it->is_object() ? kEmpty : *it;
}

ObjectKey ObjectKey::parse(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace paymesh::kube
