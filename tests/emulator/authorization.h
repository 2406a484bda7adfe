#pragma once
// Who may ask, and what was asked. Bearer tokens are checked when the emulator has any
// (a read-only token gets 403 on writes); there is no RBAC. Each resource request can be
// kept as the attributes an authorizer would see, so a test can check a chart's RBAC
// rules against what its binaries really did.

#include <optional>
#include <string>
#include <tuple>

#include "emulator/http_types.h"
#include "emulator/router.h"

namespace paymesh::emulator {

// What an authorizer sees of a resource request; verbs as RBAC names them (get, list,
// watch, create, update, patch, delete, deletecollection).
struct RequestAttributes {
  std::string user_agent;  // who asked (the emulator has no users)
  std::string verb, group, resource, subresource, ns, name;
  bool operator<(const RequestAttributes& o) const {
    return std::tie(user_agent, verb, group, resource, subresource, ns, name) <
           std::tie(o.user_agent, o.verb, o.group, o.resource, o.subresource, o.ns, o.name);
  }
};

RequestAttributes attributesOf(const HttpRequest& req, const Target& target, bool watch);

// A write as served: who asked for what, and the HTTP status it was answered with.
struct ServedWrite {
  RequestAttributes request;
  int status = 0;
};

// nullopt when the request may go on; otherwise the 401 or 403 to answer.
std::optional<HttpResponse> authorize(const HttpRequest& req, const std::string& token,
                                      const std::string& readonly_token);

}  // namespace paymesh::emulator
