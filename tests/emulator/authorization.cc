#include "emulator/authorization.h"

#include "emulator/status_errors.h"

namespace paymesh::emulator {

RequestAttributes attributesOf(const HttpRequest& req, const Target& t, bool watch) {
  const std::string& m = req.method;
  std::string verb = watch           ? "watch"
                     : m == "GET"    ? (t.name.empty() ? "list" : "get")
                     : m == "POST"   ? "create"
                     : m == "PUT"    ? "update"
                     : m == "PATCH"  ? "patch"
                     : m == "DELETE" ? (t.name.empty() ? "deletecollection" : "delete")
                                     : m;
  return {req.header("user-agent"), verb, t.type->group, t.type->resource, t.subresource, t.objectNamespace(),
          watch ? "" : t.name};
}

std::optional<HttpResponse> authorize(const HttpRequest& req, const std::string& token,
                                      const std::string& readonly_token) {
  if (token.empty() && readonly_token.empty()) return std::nullopt;
  std::string auth = req.header("authorization");
  std::string presented = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  if (!token.empty() && presented == token) return std::nullopt;
  if (!readonly_token.empty() && presented == readonly_token) {
    if (!isWriteMethod(req.method)) return std::nullopt;
    return statusError(403, "user \"readonly\" cannot " + req.method + " at " + req.path);
  }
  return statusError(401, "Unauthorized");
}

}  // namespace paymesh::emulator
