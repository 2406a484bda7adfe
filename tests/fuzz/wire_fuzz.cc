// Fuzzes what the API server sends a list or a watch (lib/kube/wire.cc): the input as a
// list page, and each of its lines as a watch event, then the objects into a cache, as
// the watcher and the informer take them. Errors are expected; a throw or crash is a bug.

#include <string>

#include "fuzz/fuzz_util.h"
#include "kube/object_key.h"
#include "kube/resource.h"
#include "kube/store.h"
#include "kube/wire.h"

namespace res = paymesh::kube::resources;
using paymesh::kube::Json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  paymesh::kube::Store store(paymesh::kube::trimPod);
  Json body = paymesh::fuzz::parseJson(data, size);
  if (!body.is_discarded()) {
    auto page = paymesh::kube::parseListPage(body, res::kPods, "GET /api/v1/pods");
    if (page.isOk()) {
      paymesh::kube::Store::Batch batch = store.newBatch();
      for (auto& item : page->items) {
        if (!item.is_object()) __builtin_trap();
        batch.add(std::move(item));
      }
      store.replace(std::move(batch));
    }
  }
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? text.size() : nl + 1;
    auto ev = paymesh::kube::parseWatchLine(line, "GET /api/v1/pods?watch=true");
    if (!ev.isOk()) continue;
    if (!ev->object.is_object()) __builtin_trap();
    if (ev->type == paymesh::kube::EventType::kDeleted) {
      auto key = paymesh::kube::ObjectKey::of(ev->object);
      (void)store.erase(key.ns, key.name);
    } else {
      (void)store.upsert(ev->object);
    }
  }
  return 0;
}
