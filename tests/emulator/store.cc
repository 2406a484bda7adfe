#include "emulator/store.h"

#include <cstdio>

namespace paymesh::emulator {

using nlohmann::json;

std::string objectKey(const std::string& ns, const std::string& name) { return ns + "/" + name; }

Store::Store(size_t history_limit, uint64_t seed) : history_limit_(history_limit), rng_(seed) {}

const json* Store::find(const std::string& store_key, const std::string& key) {
  auto& objs = objects_[store_key];
  auto it = objs.find(key);
  return it == objs.end() ? nullptr : &it->second;
}

const json& Store::put(const std::string& store_key, const std::string& key, json obj) {
  obj["metadata"]["resourceVersion"] = nextRv();
  auto& objs = objects_[store_key];
  auto it = objs.find(key);
  if (it == objs.end()) {
    it = objs.emplace(key, std::move(obj)).first;
    emit(store_key, "ADDED", it->second);
  } else {
    json old = std::move(it->second);
    it->second = std::move(obj);
    emit(store_key, "MODIFIED", it->second, old);
  }
  return it->second;
}

json Store::erase(const std::string& store_key, const std::string& key) {
  auto& objs = objects_[store_key];
  auto it = objs.find(key);
  if (it == objs.end()) return nullptr;
  json gone = std::move(it->second);
  objs.erase(it);
  gone["metadata"]["resourceVersion"] = nextRv();
  emit(store_key, "DELETED", gone);
  return gone;
}

void Store::eraseAll(const std::string& store_key) {
  for (auto& [k, v] : objects_[store_key]) {
    json gone = v;
    gone["metadata"]["resourceVersion"] = nextRv();
    emit(store_key, "DELETED", gone);
  }
  objects_.erase(store_key);
}

void Store::emit(const std::string& store_key, const std::string& type, const json& obj, const json& old) {
  history_.push_back({rv_, store_key, type, obj, old});
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  changed_.notify_all();
}

void Store::expireHistory() {
  history_.clear();
  compacted_rv_ = rv_;
  changed_.notify_all();
}

std::string Store::newUid() {
  uint64_t a = rng_(), b = rng_();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(0x4000 | (a & 0x0fff)),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string Store::generateName(const std::string& prefix) {
  // kube-apiserver's alphabet: no vowels (no words), no look-alikes.
  static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string name = prefix;
  for (int i = 0; i < 5; ++i) name += alphabet[rng_() % 27];
  return name;
}

}  // namespace paymesh::emulator
