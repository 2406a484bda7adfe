#include "emulator/deletion.h"

#include <set>

#include "base/time_format.h"
#include "emulator/label_selector.h"
#include "emulator/request_decoding.h"
#include "emulator/status_errors.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

std::optional<HttpResponse> failedPrecondition(const ResourceType& type, const std::string& name, const json& meta,
                                               const json& preconditions) {
  for (const char* field : {"uid", "resourceVersion"}) {
    if (!preconditions.contains(field) || !preconditions[field].is_string() || preconditions[field] == meta[field])
      continue;
    std::string label = std::string(field) == "uid" ? "UID" : "ResourceVersion";
    return conflictError(type, name,
                         "Precondition failed: " + label +
                             " in precondition: " + preconditions[field].get<std::string>() + ", " + label +
                             " in object meta: " + meta.value(field, ""));
  }
  return std::nullopt;
}

// Deletes now or marks for deletion when finalizers remain (namespaces: Terminating).
HttpResponse deleteObject(ServerState& state, const ResourceType& type, const std::string& key,
                          const std::string& propagation, const json& preconditions, bool dry_run = false) {
  const std::string store_key = type.storeKey();
  const json* found = state.store.find(store_key, key);
  std::string name = key.substr(key.find('/') + 1);
  if (!found) return notFoundError(type, name);
  const json& meta = (*found)["metadata"];
  if (auto failed = failedPrecondition(type, name, meta, preconditions)) return *failed;
  bool is_namespace = type.kind == "Namespace";
  bool has_finalizers = meta.contains("finalizers") && !meta["finalizers"].empty();
  if (is_namespace || has_finalizers) {
    if (meta.contains("deletionTimestamp")) return jsonResponse(200, *found);
    json marked = *found;
    marked["metadata"]["deletionTimestamp"] = formatRfc3339(std::chrono::system_clock::now());
    if (is_namespace)
      marked["status"]["phase"] = "Terminating";
    else
      marked["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (dry_run) return jsonResponse(200, marked);
    // The reaper removes a namespace's contents and then the namespace.
    if (is_namespace) state.terminating[name] = std::chrono::steady_clock::now();
    return jsonResponse(200, state.store.put(store_key, key, std::move(marked)));
  }
  json last = *found;
  if (dry_run) return jsonResponse(200, last);
  finalizeDelete(state, type, key, propagation);
  last["metadata"]["resourceVersion"] = std::to_string(state.store.rv());
  return jsonResponse(200, last);
}

void deleteNamespaceContents(ServerState& state, const std::string& ns) {
  for (auto& [store_key, items] : state.store.all()) {
    std::vector<std::string> doomed;
    for (const auto& [k, v] : items) {
      if (v["metadata"].value("namespace", "") == ns) doomed.push_back(k);
    }
    for (const auto& k : doomed) state.store.erase(store_key, k);
  }
}

void collectGarbage(ServerState& state, const std::string& owner_uid, const std::string& propagation) {
  if (owner_uid.empty()) return;
  std::vector<std::pair<std::string, std::string>> dependents;  // store key, object key
  std::set<std::string> live_uids;
  for (const auto& [store_key, items] : state.store.all()) {
    for (const auto& [k, v] : items) {
      live_uids.insert(v["metadata"].value("uid", ""));
      for (const auto& ref : v["metadata"].value("ownerReferences", json::array())) {
        if (ref.value("uid", "") == owner_uid) dependents.emplace_back(store_key, k);
      }
    }
  }
  for (const auto& [store_key, k] : dependents) {
    const json* found = state.store.find(store_key, k);
    if (!found) continue;
    json refs = json::array();
    bool other_live_owner = false;
    for (const auto& ref : (*found)["metadata"]["ownerReferences"]) {
      if (ref.value("uid", "") == owner_uid) continue;
      refs.push_back(ref);
      if (live_uids.count(ref.value("uid", ""))) other_live_owner = true;
    }
    const ResourceType* type = state.types.byStoreKey(store_key);
    if (propagation == "Orphan" || other_live_owner || !type) {
      json updated = *found;
      updated["metadata"]["ownerReferences"] = refs;
      if (refs.empty()) updated["metadata"].erase("ownerReferences");
      state.store.put(store_key, k, std::move(updated));
      continue;
    }
    deleteObject(state, *type, k, "Background", json::object());
  }
}

}  // namespace

HttpResponse deleteOne(ServerState& state, const HttpRequest& req, const Target& t) {
  json opts = json::object();
  if (!req.body.empty()) {
    if (auto bad = decodeBody(req, "the DeleteOptions are not JSON", opts)) return *bad;
    if (!opts.is_object()) return statusError(400, "the DeleteOptions must be a JSON object");
  }
  bool dry_run = false;
  if (auto bad = readDryRun(req, opts, "DeleteOptions", dry_run)) return *bad;
  std::string propagation = opts.value("propagationPolicy", req.param("propagationPolicy"));
  if (propagation.empty()) propagation = "Background";
  if (propagation != "Background" && propagation != "Foreground" && propagation != "Orphan")
    return statusError(400, "invalid propagationPolicy \"" + propagation + "\"");
  return deleteObject(state, *t.type, objectKey(t.objectNamespace(), t.name), propagation,
                      opts.value("preconditions", json::object()), dry_run);
}

HttpResponse deleteCollection(ServerState& state, const HttpRequest& req, const Target& t) {
  Selector labels;
  std::string error;
  if (!parseSelector(req.param("labelSelector"), labels, error)) return statusError(400, error);
  json opts = json::object();
  if (!req.body.empty()) {
    if (auto bad = decodeBody(req, "the DeleteOptions are not JSON", opts)) return *bad;
  }
  bool dry_run = false;
  if (auto bad = readDryRun(req, opts, "DeleteOptions", dry_run)) return *bad;
  std::vector<std::string> keys;
  for (const auto& [k, v] : state.store.objects(t.type->storeKey())) {
    if (t.type->namespaced && !t.ns.empty() && v["metadata"].value("namespace", "") != t.ns) continue;
    if (matches(labels, labelsOf(v))) keys.push_back(k);
  }
  json items = json::array();
  for (const auto& k : keys) {
    auto r = deleteObject(state, *t.type, k, "Background", json::object(), dry_run);
    if (r.status == 200) items.push_back(json::parse(r.body));
  }
  return jsonResponse(200, {{"kind", t.type->kind + "List"},
                            {"apiVersion", t.type->groupVersion()},
                            {"metadata", {{"resourceVersion", std::to_string(state.store.rv())}}},
                            {"items", items}});
}

void finalizeDelete(ServerState& state, const ResourceType& type, const std::string& key,
                    const std::string& propagation) {
  json gone = state.store.erase(type.storeKey(), key);
  if (gone.is_null()) return;
  // The contents go with the namespace, finalizers and all.
  if (type.kind == "Namespace") deleteNamespaceContents(state, gone["metadata"].value("name", ""));
  if (type.kind == "CustomResourceDefinition") {
    std::string store_key = state.types.unregisterCrd(gone["metadata"].value("name", ""));
    if (!store_key.empty()) state.store.eraseAll(store_key);
  }
  collectGarbage(state, gone["metadata"].value("uid", ""), propagation);
}

void finalizeDueNamespaces(ServerState& state, std::chrono::steady_clock::time_point now) {
  std::vector<std::string> due;
  for (const auto& [ns, since] : state.terminating) {
    if (now - since >= state.options.namespace_finalize_delay) due.push_back(ns);
  }
  const ResourceType* namespaces = state.types.find("", "v1", "namespaces");
  for (const auto& ns : due) {
    state.terminating.erase(ns);
    finalizeDelete(state, *namespaces, objectKey("", ns), "Background");
  }
}

}  // namespace paymesh::emulator
