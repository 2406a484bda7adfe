#include "emulator/status_errors.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

std::string reasonFor(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    default: return "InternalError";
  }
}

std::string resourceLabel(const ResourceType& t) { return t.group.empty() ? t.resource : t.resource + "." + t.group; }

json objectDetails(const ResourceType& t, const std::string& name) {
  return {{"name", name}, {"group", t.group}, {"kind", t.resource}};
}

// field.ErrorList.ToAggregate().Error(): one message alone, several in brackets.
std::string aggregate(const std::vector<Cause>& causes, json& out) {
  out = json::array();
  std::string msg;
  for (const auto& c : causes) {
    out.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    msg += (msg.empty() ? "" : ", ") + c.field + ": " + c.message;
  }
  return causes.size() > 1 ? "[" + msg + "]" : msg;
}

}  // namespace

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

json statusObject(int code, const std::string& reason, const std::string& message, const json& details) {
  json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason},
            {"code", code}};
  if (!details.is_null()) s["details"] = details;
  return s;
}

HttpResponse statusError(int code, const std::string& message, const json& details, const std::string& reason) {
  return jsonResponse(code, statusObject(code, reason.empty() ? reasonFor(code) : reason, message, details));
}

std::string qualifiedKind(const ResourceType& type) {
  return type.group.empty() ? type.kind : type.kind + "." + type.group;
}

HttpResponse notFoundError(const ResourceType& t, const std::string& name) {
  return statusError(404, resourceLabel(t) + " \"" + name + "\" not found", objectDetails(t, name));
}

HttpResponse alreadyExistsError(const ResourceType& t, const std::string& name) {
  return statusError(409, resourceLabel(t) + " \"" + name + "\" already exists", objectDetails(t, name),
                     "AlreadyExists");
}

HttpResponse conflictError(const ResourceType& t, const std::string& name, const std::string& why) {
  return statusError(409, "Operation cannot be fulfilled on " + resourceLabel(t) + " \"" + name + "\": " + why,
                     objectDetails(t, name));
}

HttpResponse invalidError(const ResourceType& t, const std::string& name, const std::vector<Cause>& causes) {
  json jc;
  std::string msg = aggregate(causes, jc);
  return statusError(422, qualifiedKind(t) + " \"" + name + "\" is invalid: " + msg,
                     {{"name", name}, {"group", t.group}, {"kind", t.kind}, {"causes", jc}});
}

HttpResponse invalidOptionsError(const std::string& options_kind, const std::vector<Cause>& causes) {
  json jc;
  std::string msg = aggregate(causes, jc);
  return statusError(422, options_kind + ".meta.k8s.io \"\" is invalid: " + msg,
                     {{"name", ""}, {"group", "meta.k8s.io"}, {"kind", options_kind}, {"causes", jc}});
}

}  // namespace paymesh::emulator
