#include "emulator/request_decoding.h"

#include <vector>

#include "emulator/protobuf_decode.h"
#include "emulator/status_errors.h"

namespace paymesh::emulator {

bool parseUint(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  out = std::stoull(s);
  return true;
}

std::optional<HttpResponse> decodeBody(const HttpRequest& req, const std::string& error, nlohmann::json& out) {
  const std::string ct = req.header("content-type");
  if (ct.find("application/vnd.kubernetes.protobuf") == 0) {
    ProtobufBody decoded = decodeKubernetesProtobuf(req.body);
    if (decoded.unknown_kind) return statusError(415, decoded.error + "; send it as application/json");
    if (!decoded.error.empty()) return statusError(400, "the request body is not valid protobuf: " + decoded.error);
    out = std::move(decoded.object);
    return std::nullopt;
  }
  if (ct.find("cbor") != std::string::npos || ct.find("yaml") != std::string::npos)
    return statusError(415, "unsupported content type " + ct +
                                "; the emulator reads application/json and application/vnd.kubernetes.protobuf");
  try {
    out = nlohmann::json::parse(req.body);
  } catch (const std::exception& e) {
    return statusError(400, error + ": " + e.what());
  }
  return std::nullopt;
}

std::optional<HttpResponse> checkBodySize(const HttpRequest& req, size_t limit) {
  if (req.body.size() <= limit) return std::nullopt;
  return statusError(413, "Request entity too large: limit is " + std::to_string(limit));
}

std::optional<HttpResponse> readDryRun(const HttpRequest& req, const nlohmann::json& options,
                                       const std::string& options_kind, bool& dry_run) {
  std::vector<std::string> values;
  if (req.query.count("dryRun")) values.push_back(req.param("dryRun"));
  if (options.is_object() && options.contains("dryRun")) {
    const auto& v = options["dryRun"];
    if (!v.is_array() && !v.is_null()) values.push_back(v.dump());
    if (v.is_array()) {
      for (const auto& e : v) values.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    }
  }
  dry_run = !values.empty();
  for (const auto& v : values) {
    if (v == "All") continue;
    std::string list;
    for (const auto& each : values) list += (list.empty() ? "" : ", ") + nlohmann::json(each).dump();
    return invalidOptionsError(
        options_kind,
        {{"FieldValueNotSupported", "dryRun", "Unsupported value: []string{" + list + "}: supported values: \"All\""}});
  }
  return std::nullopt;
}

bool wantsTable(const HttpRequest& req) { return req.header("accept").find("as=Table") != std::string::npos; }

}  // namespace paymesh::emulator
