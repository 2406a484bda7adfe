#pragma once
// In-process requests to an ApiServer for the emulator's own tests: no sockets, one
// request per call, the response body parsed.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/api_server.h"

namespace paymesh::emulator {

struct Reply {
  int status = 0;
  nlohmann::json body;  // null when the body is no JSON
  HttpResponse raw;
  std::string message() const { return body.is_object() ? body.value("message", "") : ""; }
};

class TestApi {
public:
  explicit TestApi(Options options = {}) : api(std::move(options)) {}

  Reply send(const std::string& method, const std::string& path, const std::string& body,
             const std::string& content_type = "application/json", const std::map<std::string, std::string>& query = {},
             const std::map<std::string, std::string>& headers = {}) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.query = query;
    req.headers = headers;
    if (!body.empty()) req.headers["content-type"] = content_type;
    Reply r;
    r.raw = api.handle(req);
    r.status = r.raw.status;
    r.body = nlohmann::json::parse(r.raw.body, nullptr, false);
    if (r.body.is_discarded()) r.body = nullptr;
    return r;
  }
  Reply get(const std::string& path, const std::map<std::string, std::string>& query = {}) {
    return send("GET", path, "", "", query);
  }
  Reply post(const std::string& path, const nlohmann::json& body,
             const std::map<std::string, std::string>& query = {}) {
    return send("POST", path, body.dump(), "application/json", query);
  }
  Reply put(const std::string& path, const nlohmann::json& body) { return send("PUT", path, body.dump()); }
  Reply patch(const std::string& path, const nlohmann::json& body,
              const std::string& type = "application/merge-patch+json",
              const std::map<std::string, std::string>& query = {}) {
    return send("PATCH", path, body.dump(), type, query);
  }
  Reply del(const std::string& path, const nlohmann::json& options = nullptr,
            const std::map<std::string, std::string>& query = {}) {
    return send("DELETE", path, options.is_null() ? "" : options.dump(), "application/json", query);
  }

  ApiServer api;
};

inline const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";

inline nlohmann::json configMap(const std::string& name, const nlohmann::json& data = nlohmann::json::object()) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
}

inline nlohmann::json withMetadata(nlohmann::json obj, const nlohmann::json& metadata) {
  obj["metadata"].update(metadata);
  return obj;
}

}  // namespace paymesh::emulator
