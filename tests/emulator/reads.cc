#include "emulator/reads.h"

#include "base/base64.h"
#include "emulator/label_selector.h"
#include "emulator/request_decoding.h"
#include "emulator/status_errors.h"
#include "emulator/table.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

// A continue token: the first page's resourceVersion and the last key served, opaque to
// clients (base64 of a small JSON object, as kube-apiserver's are).
std::string continueToken(uint64_t rv, const std::string& last_key) {
  return base64Encode(json{{"rv", rv}, {"start", last_key}}.dump());
}

bool readContinueToken(const std::string& token, uint64_t& rv, std::string& last_key) {
  auto decoded = base64Decode(token);
  if (!decoded.isOk()) return false;
  json j = json::parse(decoded.value(), nullptr, false);
  if (!j.is_object() || !j["rv"].is_number_unsigned() || !j["start"].is_string()) return false;
  rv = j["rv"].get<uint64_t>();
  last_key = j["start"].get<std::string>();
  return true;
}

}  // namespace

HttpResponse getObject(ServerState& state, const HttpRequest& req, const Target& t) {
  const json* found = state.store.find(t.type->storeKey(), objectKey(t.objectNamespace(), t.name));
  if (!found) return notFoundError(*t.type, t.name);
  json obj = withVersion(*t.type, *found);
  if (wantsTable(req)) {
    return jsonResponse(200, toTable(*t.type, {obj}, req.param("includeObject"), std::chrono::system_clock::now(),
                                     {{"resourceVersion", obj["metadata"]["resourceVersion"]}}));
  }
  return jsonResponse(200, obj);
}

HttpResponse listObjects(ServerState& state, const HttpRequest& req, const Target& t) {
  Selector labels, fields;
  std::string error;
  if (!parseSelector(req.param("labelSelector"), labels, error)) return statusError(400, error);
  if (!parseSelector(req.param("fieldSelector"), fields, error)) return statusError(400, error);
  uint64_t limit = 0;
  if (!req.param("limit").empty() && !parseUint(req.param("limit"), limit))
    return statusError(400, "invalid limit \"" + req.param("limit") + "\"");
  // Later pages show current objects (not a snapshot) but report the first page's
  // resourceVersion, so a watch from it replays whatever changed in between.
  std::string after;
  uint64_t list_rv = state.store.rv();
  if (const std::string token = req.param("continue"); !token.empty()) {
    if (!readContinueToken(token, list_rv, after)) return statusError(400, "invalid continue token \"" + token + "\"");
    if (list_rv < state.store.compactedRv())
      return statusError(410,
                         "The provided continue parameter is too old to display a consistent list result. "
                         "You can start a new list without the continue parameter.");
  }
  auto& objs = state.store.objects(t.type->storeKey());
  json items = json::array();
  std::string last_key;
  // As kube-apiserver: remainingItemCount only for unfiltered lists; a filtered list stops
  // at the first match past the page (so a page costs its own size, not the whole store).
  bool filtered = !labels.empty() || !fields.empty();
  bool more = false;
  size_t remaining = 0;
  for (auto it = after.empty() ? objs.begin() : objs.upper_bound(after); it != objs.end(); ++it) {
    const json& obj = it->second;
    if (t.type->namespaced && !t.ns.empty() && obj["metadata"].value("namespace", "") != t.ns) continue;
    if (!labels.empty() && !matches(labels, labelsOf(obj))) continue;
    if (!fields.empty() && !matches(fields, fieldsOf(obj, fields))) continue;
    if (limit > 0 && items.size() >= limit) {
      more = true;
      ++remaining;
      if (filtered) break;
      continue;
    }
    items.push_back(withVersion(*t.type, obj));
    last_key = it->first;
  }
  json meta = {{"resourceVersion", std::to_string(list_rv)}};
  if (more) {
    meta["continue"] = continueToken(list_rv, last_key);
    if (!filtered) meta["remainingItemCount"] = remaining;
  }
  if (wantsTable(req)) {
    return jsonResponse(200, toTable(*t.type, items.get_ref<const json::array_t&>(), req.param("includeObject"),
                                     std::chrono::system_clock::now(), meta));
  }
  json out = {{"kind", t.type->kind + "List"}, {"apiVersion", t.type->groupVersion()}, {"metadata", meta}};
  out["items"] = std::move(items);
  return jsonResponse(200, out);
}

}  // namespace paymesh::emulator
