#include "emulator/request_decoding.h"

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
  if (ct.find("protobuf") != std::string::npos || ct.find("cbor") != std::string::npos)
    return statusError(415, "the emulator speaks JSON only; unsupported content type " + ct);
  try {
    out = nlohmann::json::parse(req.body);
  } catch (const std::exception& e) {
    return statusError(400, error + ": " + e.what());
  }
  return std::nullopt;
}

bool wantsTable(const HttpRequest& req) { return req.header("accept").find("as=Table") != std::string::npos; }

}  // namespace paymesh::emulator
