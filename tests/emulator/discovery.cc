#include "emulator/discovery.h"

#include <set>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

json groupVersionsOf(const std::vector<const ResourceType*>& types, const std::string& group) {
  json versions = json::array();
  std::set<std::string> seen;
  for (const auto* t : types) {
    if (t->group != group || !seen.insert(t->version).second) continue;
    versions.push_back({{"groupVersion", t->groupVersion()}, {"version", t->version}});
  }
  return versions;
}

json groupDoc(const std::vector<const ResourceType*>& types, const std::string& group) {
  json versions = groupVersionsOf(types, group);
  json g = {{"name", group}, {"versions", versions}};
  if (!versions.empty()) g["preferredVersion"] = versions[0];
  return g;
}

std::string definitionName(const ResourceType& t) {
  std::string g = t.group.empty() ? "core" : t.group;
  return "io.paymesh.emulator." + g + "." + t.version + "." + t.kind;
}

}  // namespace

json versionInfo() {
  return {{"major", "1"},          {"minor", "32"},
          {"gitVersion", "v1.32.0-paymesh-emulator"}, {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"}, {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23"}, {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json apiVersions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json apiGroupList(const std::vector<const ResourceType*>& types) {
  std::vector<std::string> groups;
  for (const auto* t : types) {
    if (!t->group.empty() && std::find(groups.begin(), groups.end(), t->group) == groups.end()) groups.push_back(t->group);
  }
  json list = json::array();
  for (const auto& g : groups) list.push_back(groupDoc(types, g));
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", list}};
}

json apiGroup(const std::vector<const ResourceType*>& types, const std::string& group) {
  json g = groupDoc(types, group);
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

json apiResourceList(const std::vector<const ResourceType*>& types, const std::string& group_version) {
  json resources = json::array();
  for (const auto* t : types) {
    if (t->groupVersion() != group_version) continue;
    json r = {{"name", t->resource},
              {"singularName", t->singular},
              {"namespaced", t->namespaced},
              {"kind", t->kind},
              {"verbs", {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}};
    if (!t->short_names.empty()) r["shortNames"] = t->short_names;
    if (!t->categories.empty()) r["categories"] = t->categories;
    resources.push_back(r);
    if (t->has_status) {
      resources.push_back({{"name", t->resource + "/status"},
                           {"singularName", ""},
                           {"namespaced", t->namespaced},
                           {"kind", t->kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group_version}, {"resources", resources}};
}

json openApiV3Index(const std::vector<const ResourceType*>& types) {
  json paths = json::object();
  for (const auto* t : types) {
    std::string p = t->group.empty() ? "api/" + t->version : "apis/" + t->group + "/" + t->version;
    paths[p] = {{"serverRelativeURL", "/openapi/v3/" + p + "?hash=0"}};
  }
  return {{"paths", paths}};
}

json openApiV3Document(const std::vector<const ResourceType*>& types, const std::string& group_version) {
  json paths = json::object();
  json schemas = json::object();
  for (const auto* t : types) {
    if (t->groupVersion() != group_version) continue;
    std::string def = definitionName(*t);
    json schema = t->schema.is_null() ? json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}
                                      : t->schema;
    schema["x-kubernetes-group-version-kind"] = {{{"group", t->group}, {"version", t->version}, {"kind", t->kind}}};
    schemas[def] = schema;
    json params = {{{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                   {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                   {{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}}};
    json ref = {{"$ref", "#/components/schemas/" + def}};
    json ok = {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}};
    json gvk = {{"group", t->group}, {"version", t->version}, {"kind", t->kind}};
    std::string base = (t->group.empty() ? "/api/" : "/apis/" + t->group + "/") + t->version +
                       (t->namespaced ? "/namespaces/{namespace}/" : "/") + t->resource;
    paths[base] = {{"post", {{"parameters", params}, {"responses", ok}, {"x-kubernetes-group-version-kind", gvk},
                             {"x-kubernetes-action", "post"}}},
                   {"get", {{"responses", ok}, {"x-kubernetes-action", "list"}}}};
    paths[base + "/{name}"] = {
        {"get", {{"responses", ok}, {"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "get"}}},
        {"put", {{"parameters", params}, {"responses", ok}, {"x-kubernetes-group-version-kind", gvk},
                 {"x-kubernetes-action", "put"}}},
        {"patch", {{"parameters", params}, {"responses", ok}, {"x-kubernetes-group-version-kind", gvk},
                   {"x-kubernetes-action", "patch"}}},
        {"delete", {{"responses", ok}, {"x-kubernetes-action", "delete"}}}};
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "paymesh kube emulator"}, {"version", "v1.32.0"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

}  // namespace paymesh::emulator
