#include "emulator/writes.h"

#include "base/time_format.h"
#include "emulator/admission.h"
#include "emulator/deletion.h"
#include "emulator/object_validation.h"
#include "emulator/request_decoding.h"
#include "emulator/status_errors.h"
#include "emulator/strategic_merge.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

// Everything but metadata and status: what bumps metadata.generation.
json specPart(const json& obj) {
  json copy = obj;
  copy.erase("metadata");
  copy.erase("status");
  copy.erase("apiVersion");
  copy.erase("kind");
  return copy;
}

std::optional<HttpResponse> kindMismatch(const ResourceType& type, const json& obj) {
  if (obj.contains("kind") && obj["kind"] != type.kind)
    return statusError(400, "the kind \"" + obj["kind"].dump() + "\" does not match " + type.kind);
  return std::nullopt;
}

// Sets the namespace from the URL; the namespace must exist and not be terminating.
std::optional<HttpResponse> placeInNamespace(ServerState& state, const ResourceType& type, const std::string& ns,
                                             json& meta) {
  if (!type.namespaced) {
    meta.erase("namespace");
    return std::nullopt;
  }
  std::string body_ns = meta.value("namespace", "");
  if (!body_ns.empty() && body_ns != ns)
    return statusError(400, "the namespace of the provided object does not match the namespace sent on the request");
  meta["namespace"] = ns;
  if (!state.store.find("/namespaces", objectKey("", ns)))
    return statusError(404, "namespaces \"" + ns + "\" not found", {{"name", ns}, {"kind", "namespaces"}});
  if (state.terminating.count(ns))
    return statusError(403, "unable to create new content in namespace " + ns + " because it is being terminated");
  return std::nullopt;
}

// Mutating admission (pods only); copies what the webhooks need, then calls them unlocked.
std::optional<HttpResponse> admit(ServerState& state, const ResourceType& type, json& obj, bool dry_run,
                                  std::unique_lock<std::mutex>& lock) {
  if (type.kind != "Pod" || !state.options.webhook_caller) return std::nullopt;
  AdmissionRequest request;
  for (const auto& [k, v] : state.store.objects("admissionregistration.k8s.io/mutatingwebhookconfigurations"))
    request.configurations.push_back(v);
  const json* ns = state.store.find("/namespaces", objectKey("", obj["metadata"].value("namespace", "")));
  request.namespace_object = ns ? *ns : json::object();
  request.uid = state.store.newUid();
  request.dry_run = dry_run;
  lock.unlock();
  auto rejected = admitPodCreate(request, obj, state.options.webhook_caller, state.options.service_hosts);
  lock.lock();
  return rejected;
}

// What the server sets on create, over whatever the client sent.
void stampCreated(ServerState& state, const ResourceType& type, json& obj) {
  if (type.has_status && type.kind != "Namespace") obj.erase("status");
  json& meta = obj["metadata"];
  meta["uid"] = state.store.newUid();
  meta["creationTimestamp"] = formatRfc3339(std::chrono::system_clock::now());
  meta["generation"] = 1;
  meta.erase("deletionTimestamp");
  meta.erase("resourceVersion");
  if (type.kind == "Pod") obj["status"] = {{"phase", "Pending"}};
  if (type.kind == "Namespace") {
    obj["status"] = {{"phase", "Active"}};
    meta["labels"]["kubernetes.io/metadata.name"] = meta["name"];
  }
  if (type.kind == "CustomResourceDefinition") {
    obj["status"] = {{"conditions",
                      {{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}},
                       {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"}}}},
                     {"acceptedNames", obj["spec"]["names"]}};
  }
}

// The status subresource takes only status; the main endpoint keeps the stored status.
void splitStatus(const ResourceType& type, const Target& t, const json& old, json& obj) {
  if (t.subresource == "status") {
    json next = old;
    next["status"] = obj.contains("status") ? obj["status"] : json(nullptr);
    if (next["status"].is_null()) next.erase("status");
    obj = next;
  } else if (type.has_status) {
    if (old.contains("status"))
      obj["status"] = old["status"];
    else
      obj.erase("status");
  }
}

// Stores `obj` as the new state of an existing object (update, patch, status).
HttpResponse commitUpdate(ServerState& state, const Target& t, json obj, bool dry_run) {
  const ResourceType& type = *t.type;
  std::string ns = t.objectNamespace();
  std::string key = objectKey(ns, t.name);
  const json* found = state.store.find(type.storeKey(), key);
  if (!found) return notFoundError(type, t.name);
  const json old = *found;
  if (!obj.is_object()) return statusError(400, "the request body must be a JSON object");
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, t.name, causes);
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  std::string body_name = obj["metadata"].value("name", t.name);
  obj["metadata"]["name"] = t.name;
  if (body_name != t.name)
    return statusError(
        400, "the name of the object (" + body_name + ") does not match the name on the URL (" + t.name + ")");
  std::string rv = obj["metadata"].value("resourceVersion", "");
  if (!rv.empty() && rv != old["metadata"].value("resourceVersion", ""))
    return conflictError(type, t.name,
                         "the object has been modified; please apply your changes to the latest version and try again");
  if (auto bad = kindMismatch(type, obj)) return *bad;
  obj = withVersion(type, obj);
  splitStatus(type, t, old, obj);
  json& meta = obj["metadata"];
  for (const char* f : {"uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    if (old["metadata"].contains(f))
      meta[f] = old["metadata"][f];
    else
      meta.erase(f);
  }
  if (type.namespaced) meta["namespace"] = ns;
  if (auto causes = normalizeAndValidate(type, obj, false); !causes.empty()) return invalidError(type, t.name, causes);
  if (specPart(obj) != specPart(old)) meta["generation"] = old["metadata"].value("generation", 0) + 1;
  meta["resourceVersion"] = old["metadata"]["resourceVersion"];
  if (obj == old || dry_run) return jsonResponse(200, obj);  // a no-op write changes nothing, not even the rv
  json stored = state.store.put(type.storeKey(), key, std::move(obj));
  if (type.kind == "CustomResourceDefinition") state.types.registerCrd(stored);
  const json& m = stored["metadata"];
  bool finalizers_empty = !m.contains("finalizers") || m["finalizers"].empty();
  if (m.contains("deletionTimestamp") && finalizers_empty) finalizeDelete(state, type, key, "Background");
  return jsonResponse(200, stored);
}

bool isPatchType(const std::string& content_type) {
  return content_type == "application/merge-patch+json" || content_type == "application/json-patch+json" ||
         content_type == "application/strategic-merge-patch+json";
}

// Applies a patch of one of those content types to `obj`; the error to answer, if any.
std::optional<HttpResponse> applyPatch(const Target& t, const std::string& content_type, const json& p, json& obj) {
  try {
    if (content_type == "application/merge-patch+json") {
      if (!p.is_object()) return statusError(400, "a merge patch must be a JSON object");
      obj.merge_patch(p);
    } else if (content_type == "application/json-patch+json") {
      if (!p.is_array()) return statusError(400, "a JSON patch must be an array of operations");
      obj = obj.patch(p);
    } else {
      if (!t.type->crd_name.empty())
        return statusError(415, "strategic merge patch is not supported for custom resources");
      if (!p.is_object()) return statusError(400, "a strategic merge patch must be a JSON object");
      strategicMerge(obj, p);
    }
  } catch (const std::exception& e) {
    return statusError(422, std::string("the patch could not be applied: ") + e.what());
  }
  return std::nullopt;
}

}  // namespace

HttpResponse createObject(ServerState& state, const HttpRequest& req, const Target& t,
                          std::unique_lock<std::mutex>& lock) {
  json obj;
  bool dry_run = false;
  if (auto bad = readDryRun(req, nullptr, "CreateOptions", dry_run)) return *bad;
  if (auto bad = decodeBody(req, "the request body is not JSON", obj)) return *bad;
  if (!obj.is_object()) return statusError(400, "the request body must be a JSON object");
  const ResourceType& type = *t.type;
  if (auto bad = kindMismatch(type, obj)) return *bad;
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, "", causes);
  obj = withVersion(type, obj);
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& meta = obj["metadata"];
  if (auto bad = placeInNamespace(state, type, t.ns, meta)) return *bad;
  if (meta.value("name", "").empty()) {
    std::string gen = meta.value("generateName", "");
    if (gen.empty())
      return invalidError(
          type, "", {{"FieldValueRequired", "metadata.name", "Required value: name or generateName is required"}});
    meta["name"] = state.store.generateName(gen);
  }
  std::string name = meta["name"];
  if (auto causes = nameCauses(type, name); !causes.empty()) return invalidError(type, name, causes);
  if (type.has_status && type.kind != "Namespace") obj.erase("status");
  if (auto causes = normalizeAndValidate(type, obj, true); !causes.empty()) return invalidError(type, name, causes);
  if (auto rejected = admit(state, type, obj, dry_run, lock)) return *rejected;
  // Admission may have replaced `obj`: check and take the metadata afresh.
  if (!obj.is_object() || !obj.contains("metadata")) obj["metadata"] = json::object();
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, name, causes);
  std::string key = objectKey(type.namespaced ? t.ns : "", name);
  if (state.store.find(type.storeKey(), key)) return alreadyExistsError(type, name);
  stampCreated(state, type, obj);
  if (dry_run) return jsonResponse(201, obj);  // as kube-apiserver: no resourceVersion, nothing stored
  const json& stored = state.store.put(type.storeKey(), key, std::move(obj));
  if (type.kind == "CustomResourceDefinition") state.types.registerCrd(stored);
  return jsonResponse(201, stored);
}

HttpResponse updateObject(ServerState& state, const HttpRequest& req, const Target& t) {
  json obj;
  bool dry_run = false;
  if (auto bad = readDryRun(req, nullptr, "UpdateOptions", dry_run)) return *bad;
  if (auto bad = decodeBody(req, "the request body is not JSON", obj)) return *bad;
  return commitUpdate(state, t, obj, dry_run);
}

HttpResponse patchObject(ServerState& state, const HttpRequest& req, const Target& t) {
  std::string ct = req.header("content-type");
  ct = ct.substr(0, ct.find(';'));
  if (!isPatchType(ct))
    return statusError(415,
                       "the body of the request was in an unknown format - accepted media types include: "
                       "application/json-patch+json, application/merge-patch+json, "
                       "application/strategic-merge-patch+json (server-side apply is not supported)");
  json p;
  bool dry_run = false;
  if (auto bad = readDryRun(req, nullptr, "PatchOptions", dry_run)) return *bad;
  if (auto bad = decodeBody(req, "the patch is not JSON", p)) return *bad;
  const json* found = state.store.find(t.type->storeKey(), objectKey(t.objectNamespace(), t.name));
  if (!found) return notFoundError(*t.type, t.name);
  json obj = *found;
  if (auto bad = applyPatch(t, ct, p, obj)) return *bad;
  // A patch carries a resourceVersion only when the caller asked for a precondition.
  bool check =
      p.is_object() && p.contains("metadata") && p["metadata"].is_object() && p["metadata"].contains("resourceVersion");
  if (!check) obj["metadata"]["resourceVersion"] = (*found)["metadata"]["resourceVersion"];
  return commitUpdate(state, t, obj, dry_run);
}

}  // namespace paymesh::emulator
