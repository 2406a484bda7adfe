#include "kube/trim.h"

#include "obs/log.h"

namespace paymesh::kube {

namespace {

using Paths = std::vector<std::string>;

bool isString(const Json& v) { return v.is_string(); }
bool isInteger(const Json& v) { return v.is_number_integer(); }
bool isBool(const Json& v) { return v.is_boolean(); }

// Drops object[key] unless ok(value); a null is taken as absent and dropped unreported.
template <typename Ok>
void keepIf(Json& object, const char* key, Ok ok, const std::string& at, Paths& dropped) {
  auto it = object.find(key);
  if (it == object.end() || ok(*it)) return;
  if (!it->is_null()) dropped.push_back(at + key);
  object.erase(it);
}

// A map of strings: a non-object is dropped whole, a non-string value alone.
void keepStringMap(Json& object, const char* key, const std::string& at, Paths& dropped) {
  keepIf(
      object, key, [](const Json& v) { return v.is_object(); }, at, dropped);
  auto it = object.find(key);
  if (it == object.end()) return;
  for (auto e = it->begin(); e != it->end();) {
    if (e->is_string()) {
      ++e;
      continue;
    }
    dropped.push_back(at + key + "." + e.key());
    e = it->erase(e);
  }
}

void keepOwnerReferences(Json& meta, Paths& dropped) {
  const std::string at = "metadata.";
  keepIf(
      meta, "ownerReferences", [](const Json& v) { return v.is_array(); }, at, dropped);
  auto it = meta.find("ownerReferences");
  if (it == meta.end()) return;
  Json kept = Json::array();
  for (size_t i = 0; i < it->size(); ++i) {
    Json& ref = (*it)[i];
    const std::string here = at + "ownerReferences[" + std::to_string(i) + "]";
    if (!ref.is_object()) {
      dropped.push_back(here);
      continue;
    }
    for (const char* f : {"apiVersion", "kind", "name", "uid"}) keepIf(ref, f, isString, here + ".", dropped);
    for (const char* f : {"controller", "blockOwnerDeletion"}) keepIf(ref, f, isBool, here + ".", dropped);
    kept.push_back(std::move(ref));
  }
  *it = std::move(kept);
}

std::string stringOf(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Moves from[field] into to[field] when it is a string; reports it otherwise.
void takeString(Json& from, const char* field, Json& to, const std::string& at, Paths& dropped) {
  keepIf(from, field, isString, at, dropped);
  if (auto it = from.find(field); it != from.end()) to[field] = std::move(*it);
}

Json leanMetadata(Json& m) {
  Json meta = Json::object();
  for (const char* f : {"name", "namespace", "uid", "resourceVersion", "labels", "annotations", "deletionTimestamp"}) {
    if (auto it = m.find(f); it != m.end()) meta[f] = std::move(*it);
  }
  if (auto owners_in = m.find("ownerReferences"); owners_in != m.end() && owners_in->is_array()) {
    Json owners = Json::array();
    for (const auto& o : *owners_in) {
      if (!o.is_object()) continue;
      owners.push_back({{"kind", stringOf(o, "kind")}, {"name", stringOf(o, "name")}, {"uid", stringOf(o, "uid")}});
    }
    meta["ownerReferences"] = std::move(owners);
  }
  return meta;
}

// The Ready condition, when a condition of type Ready is there (its status only when a string).
void takeReady(const Json& conds, Json& status, Paths& dropped) {
  for (size_t i = 0; i < conds.size(); ++i) {
    const Json& c = conds[i];
    const std::string at = "status.conditions[" + std::to_string(i) + "]";
    if (!c.is_object() || (c.contains("type") && !c["type"].is_string())) {
      dropped.push_back(c.is_object() ? at + ".type" : at);
      continue;
    }
    if (stringOf(c, "type") != "Ready") continue;
    Json ready = {{"type", "Ready"}};
    if (auto s = c.find("status"); s != c.end() && s->is_string()) {
      ready["status"] = *s;
    } else if (s != c.end()) {
      dropped.push_back(at + ".status");
    }
    status["conditions"] = Json::array({std::move(ready)});
  }
}

Json leanStatus(Json& s, Paths& dropped) {
  Json status = Json::object();
  for (const char* f : {"phase", "podIP"}) takeString(s, f, status, "status.", dropped);
  if (auto ips = s.find("podIPs"); ips != s.end() && !ips->is_null()) {
    bool typed = ips->is_array();
    if (typed) {
      for (const auto& ip : *ips) typed = typed && ip.is_object() && ip.contains("ip") && ip["ip"].is_string();
    }
    if (!typed) dropped.push_back("status.podIPs");
    if (typed && ips->size() > 1) status["podIPs"] = std::move(*ips);
  }
  if (auto conds = s.find("conditions"); conds != s.end() && !conds->is_null()) {
    if (conds->is_array())
      takeReady(*conds, status, dropped);
    else
      dropped.push_back("status.conditions");
  }
  return status;
}

}  // namespace

std::vector<std::string> dropMistyped(Json& object) {
  Paths dropped;
  if (!object.is_object()) return dropped;
  keepIf(
      object, "metadata", [](const Json& v) { return v.is_object(); }, "", dropped);
  if (auto m = object.find("metadata"); m != object.end()) {
    const std::string at = "metadata.";
    for (const char* f :
         {"name", "namespace", "uid", "resourceVersion", "generateName", "creationTimestamp", "deletionTimestamp"})
      keepIf(*m, f, isString, at, dropped);
    keepIf(*m, "generation", isInteger, at, dropped);
    for (const char* f : {"labels", "annotations"}) keepStringMap(*m, f, at, dropped);
    keepOwnerReferences(*m, dropped);
  }
  for (const char* f : {"data", "binaryData", "stringData"}) keepStringMap(object, f, "", dropped);
  return dropped;
}

void dropManagedFields(Json& object) {
  if (!object.is_object() || !object.contains("metadata")) return;
  Json& meta = object["metadata"];
  if (!meta.is_object()) return;
  meta.erase("managedFields");
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    meta["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
    if (meta["annotations"].empty()) meta.erase("annotations");
  }
}

void trimPod(Json& object) {
  dropManagedFields(object);
  if (!object.is_object()) return;
  // Fields are moved out of the full object, which is dropped afterwards.
  Paths dropped;
  Json lean = Json::object();
  if (auto m = object.find("metadata"); m != object.end() && m->is_object()) lean["metadata"] = leanMetadata(*m);
  if (auto s = object.find("spec"); s != object.end() && s->is_object()) {
    Json spec = Json::object();
    for (const char* f : {"nodeName", "serviceAccountName"}) takeString(*s, f, spec, "spec.", dropped);
    if (!spec.empty()) lean["spec"] = std::move(spec);
  }
  if (auto s = object.find("status"); s != object.end() && s->is_object()) {
    Json status = leanStatus(*s, dropped);
    if (!status.empty()) lean["status"] = std::move(status);
  }
  if (!dropped.empty()) {
    lean["kind"] = "Pod";
    reportMistyped(lean, dropped);
    lean.erase("kind");
  }
  object = std::move(lean);
}

void reportMistyped(const Json& object, const std::vector<std::string>& paths) {
  if (paths.empty() || !obs::logEnabled(obs::LogLevel::kInfo)) return;
  std::string list;
  for (const auto& p : paths) list += (list.empty() ? "" : ",") + p;
  const Json meta = object.is_object() ? object.value("metadata", Json::object()) : Json::object();
  const std::string ns = meta.is_object() ? stringOf(meta, "namespace") : "";
  const std::string name = meta.is_object() ? stringOf(meta, "name") : "";
  obs::logInfo(
      "ignored wrongly typed fields (taken as absent)",
      {{"kind", object.is_object() ? stringOf(object, "kind") : ""}, {"object", ns + "/" + name}, {"fields", list}});
}

}  // namespace paymesh::kube
