#include "kube/store.h"

#include <mutex>

#include "obs/log.h"

namespace paymesh::kube {

namespace {

std::string stringOf(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Whether `object` is cached, typed (trim.h) and trimmed: an object with a name. What is
// not (or what a trimmer throws on) is logged and left out, never thrown at the informer.
bool admit(const Trimmer& trim, Json& object) {
  if (!object.is_object()) {
    obs::logInfo("ignored a watched item that is not an object", {{"type", object.type_name()}});
    return false;
  }
  reportMistyped(object, dropMistyped(object));
  try {
    if (trim) trim(object);
  } catch (const std::exception& e) {
    obs::logWarn("ignored an object its cache trimmer could not read",
                 {{"object", Store::keyOf(object)}, {"error", e.what()}});
    return false;
  }
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object() && !stringOf(*meta, "name").empty()) return true;
  obs::logInfo("ignored a watched object without a name", {{"kind", stringOf(object, "kind")}});
  return false;
}

}  // namespace

// The objects with their indexes. Index entries point at the keys of `objects`
// (node-based: the keys do not move, not even when the map itself is moved).
struct Store::Contents {
  using KeySet = std::set<const std::string*>;
  std::unordered_map<std::string, Packed> objects;
  std::unordered_map<std::string, KeySet> by_namespace;
  std::unordered_map<std::string, KeySet> by_label;  // "key=value" -> object keys

  void index(const std::string* key, const Json& object, bool add) {
    const Json& meta = object.value("metadata", Json::object());
    auto update = [&](auto& idx, const std::string& ikey) {
      if (add) {
        idx[ikey].insert(key);
      } else {
        auto it = idx.find(ikey);
        if (it == idx.end()) return;
        it->second.erase(key);
        if (it->second.empty()) idx.erase(it);
      }
    };
    update(by_namespace, meta.value("namespace", ""));
    if (meta.contains("labels") && meta["labels"].is_object()) {
      for (const auto& [k, v] : meta["labels"].items()) {
        if (v.is_string()) update(by_label, k + "=" + v.get<std::string>());
      }
    }
  }

  // Stores an already trimmed object; returns the previous one (null when new).
  ObjectPtr put(std::string key, const Json& trimmed) {
    Packed packed = Json::to_msgpack(trimmed);
    ObjectPtr old;
    auto it = objects.find(key);
    if (it != objects.end()) {
      old = unpack(it->second);
      index(&it->first, *old, false);
      it->second = std::move(packed);
    } else {
      it = objects.emplace(std::move(key), std::move(packed)).first;
    }
    index(&it->first, trimmed, true);
    return old;
  }

  ObjectPtr remove(const std::string& key) {
    auto it = objects.find(key);
    if (it == objects.end()) return nullptr;
    ObjectPtr old = unpack(it->second);
    index(&it->first, *old, false);
    objects.erase(it);
    return old;
  }

  std::vector<ObjectPtr> collect(const std::unordered_map<std::string, KeySet>& idx, const std::string& ikey) const {
    auto it = idx.find(ikey);
    if (it == idx.end()) return {};
    std::vector<ObjectPtr> out;
    out.reserve(it->second.size());
    for (const std::string* k : it->second) out.push_back(unpack(objects.at(*k)));
    return out;
  }
};

Store::Store(Trimmer trim) : trim_(std::move(trim)), contents_(std::make_unique<Contents>()) {}
Store::~Store() = default;

std::string Store::keyOf(const Json& object) {
  auto meta = object.is_object() ? object.find("metadata") : object.end();
  if (!object.is_object() || meta == object.end() || !meta->is_object()) return keyOf("", "");
  return keyOf(stringOf(*meta, "namespace"), stringOf(*meta, "name"));
}

ObjectPtr Store::unpack(const Packed& packed) { return std::make_shared<const Json>(Json::from_msgpack(packed)); }

ObjectPtr Store::get(const std::string& ns, const std::string& name) const { return get(keyOf(ns, name)); }

ObjectPtr Store::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = contents_->objects.find(key);
  return it == contents_->objects.end() ? nullptr : unpack(it->second);
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(contents_->objects.size());
  for (const auto& [k, v] : contents_->objects) out.push_back(unpack(v));
  return out;
}

std::vector<std::string> Store::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(contents_->objects.size());
  for (const auto& [k, v] : contents_->objects) out.push_back(k);
  return out;
}

std::vector<ObjectPtr> Store::byNamespace(const std::string& ns) const {
  std::shared_lock lock(mu_);
  return contents_->collect(contents_->by_namespace, ns);
}

std::vector<ObjectPtr> Store::byLabel(const std::string& key, const std::string& value) const {
  std::shared_lock lock(mu_);
  return contents_->collect(contents_->by_label, key + "=" + value);
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return contents_->objects.size();
}

std::pair<ObjectPtr, ObjectPtr> Store::upsert(Json object) {
  if (!admit(trim_, object)) return {nullptr, nullptr};
  std::string key = keyOf(object);
  auto stored = std::make_shared<const Json>(std::move(object));
  std::unique_lock lock(mu_);
  ObjectPtr old = contents_->put(std::move(key), *stored);
  return {old, stored};
}

ObjectPtr Store::erase(const std::string& ns, const std::string& name) {
  std::unique_lock lock(mu_);
  return contents_->remove(keyOf(ns, name));
}

Store::Batch::Batch(const Trimmer& trim) : trim_(trim), contents_(std::make_unique<Contents>()) {}
Store::Batch::Batch(Batch&&) noexcept = default;
Store::Batch& Store::Batch::operator=(Batch&&) noexcept = default;
Store::Batch::~Batch() = default;

void Store::Batch::add(Json object) {
  if (!admit(trim_, object)) return;
  std::string key = keyOf(object);
  contents_->put(std::move(key), object);
}

size_t Store::Batch::size() const { return contents_->objects.size(); }

void Store::replace(Batch batch, const ChangeVisitor& visit) {
  std::unique_ptr<Contents> old;
  {
    std::unique_lock lock(mu_);
    old = std::move(contents_);
    contents_ = std::move(batch.contents_);
  }
  if (!visit) return;
  old->by_namespace.clear();
  old->by_label.clear();
  // The new contents are only replaced by a later replace() on the same (informer) thread,
  // and upserts do not remove keys behind our back, but take a key snapshot to be safe.
  for (const auto& key : keys()) {
    Packed now_packed;
    {
      std::shared_lock lock(mu_);
      auto it = contents_->objects.find(key);
      if (it == contents_->objects.end()) continue;
      now_packed = it->second;
    }
    auto was = old->objects.find(key);
    if (was == old->objects.end()) {
      visit(nullptr, unpack(now_packed));
    } else {
      if (was->second != now_packed) visit(unpack(was->second), unpack(now_packed));
      old->objects.erase(was);
    }
  }
  for (const auto& [k, gone] : old->objects) visit(unpack(gone), nullptr);
}

void Store::replace(std::vector<Json> objects, const ChangeVisitor& visit) {
  Batch batch = newBatch();
  for (auto& o : objects) batch.add(std::move(o));
  replace(std::move(batch), visit);
}

}  // namespace paymesh::kube
