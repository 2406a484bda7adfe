// Fuzzes the informer cache (lib/kube/store.cc) on any JSON: objects are typed, packed as
// MessagePack and indexed by namespace and label. What is stored must read back with the
// same bytes, every index must find it, and a replace and an erase must leave nothing of
// it behind.

#include "fuzz/fuzz_util.h"
#include "kube/store.h"

using paymesh::kube::Json;
using paymesh::kube::ObjectPtr;
using paymesh::kube::Store;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  Json object = paymesh::fuzz::parseJson(data, size);
  if (object.is_discarded()) return 0;
  Store store;
  auto [old, now] = store.upsert(object);
  if (!now) return 0;
  const std::string key = Store::keyOf(*now);
  auto back = store.get(key);
  if (!back || Json::to_msgpack(*back) != Json::to_msgpack(*now)) __builtin_trap();
  const Json& meta = (*now)["metadata"];
  const std::string ns = meta.value("namespace", "");
  if (store.byNamespace(ns).size() != 1) __builtin_trap();
  if (meta.contains("labels")) {
    for (const auto& [k, v] : meta["labels"].items())
      if (store.byLabel(k, v.get<std::string>()).size() != 1) __builtin_trap();
  }
  // The same object again, through a relist: no change reported.
  Store::Batch batch = store.newBatch();
  batch.add(object);
  int changes = 0;
  store.replace(std::move(batch), [&](const ObjectPtr&, const ObjectPtr&) { ++changes; });
  if (changes != 0 || store.size() != 1) __builtin_trap();
  if (!store.erase(ns, meta.value("name", "")) || store.size() != 0 || !store.byNamespace(ns).empty()) __builtin_trap();
  return 0;
}
