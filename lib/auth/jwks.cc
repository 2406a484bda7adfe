#include "auth/jwks.h"

#include <array>

#include "auth/algorithms.h"
#include "auth/public_key.h"
#include "base/base64.h"
#include "base/quote.h"

namespace paymesh::auth {
namespace {

using nlohmann::json;

// Members that only a private key has (RFC 7518 section 6.3.2).
constexpr std::array<const char*, 6> kPrivateMembers = {"d", "p", "q", "dp", "dq", "qi"};

Status memberError(const std::string& path, const std::string& message) {
  return invalidArgument(path + ": " + message);
}

// An optional string member ("" when absent).
Result<std::string> optionalString(const json& jwk, const std::string& path, const char* member) {
  auto it = jwk.find(member);
  if (it == jwk.end()) return std::string();
  if (!it->is_string()) return memberError(path + "." + member, "must be a string");
  return it->get<std::string>();
}

// A required base64url member, decoded.
Result<std::string> bytesMember(const json& jwk, const std::string& path, const char* member) {
  auto it = jwk.find(member);
  if (it == jwk.end()) return memberError(path + "." + member, "missing");
  if (!it->is_string()) return memberError(path + "." + member, "must be a base64url string");
  auto bytes = base64UrlDecode(it->get_ref<const std::string&>());
  if (!bytes) return memberError(path + "." + member, "not base64url: " + bytes.status().message());
  if (bytes->empty()) return memberError(path + "." + member, "empty");
  return bytes;
}

Result<PublicKey> rsaKey(const json& jwk, const std::string& path) {
  ASSIGN_OR_RETURN(std::string n, bytesMember(jwk, path, "n"));
  ASSIGN_OR_RETURN(std::string e, bytesMember(jwk, path, "e"));
  auto key = rsaPublicKey(n, e);
  if (!key) return memberError(path, key.status().message());
  return key;
}

Result<PublicKey> ecKey(const json& jwk, const std::string& path, const Curve& curve) {
  ASSIGN_OR_RETURN(std::string x, bytesMember(jwk, path, "x"));
  ASSIGN_OR_RETURN(std::string y, bytesMember(jwk, path, "y"));
  for (const auto& [member, value] : {std::pair{"x", &x}, std::pair{"y", &y}}) {
    if (value->size() != curve.coordinate_bytes) {
      return memberError(path + "." + member, "must be " + std::to_string(curve.coordinate_bytes) + " bytes on " +
                                                  std::string(curve.name) + ", got " + std::to_string(value->size()));
    }
  }
  auto key = ecPublicKey(curve, x, y);
  if (!key) return memberError(path, key.status().message());
  return key;
}

Status checkKeyType(const std::string& kty, const std::string& path) {
  if (kty.empty()) return memberError(path + ".kty", "missing");
  if (kty == "oct") {
    return memberError(path + ".kty",
                       "\"oct\" is a shared secret, which would be published with the keys; "
                       "give public RSA or EC keys");
  }
  if (kty != "RSA" && kty != "EC")
    return memberError(path + ".kty", "unsupported key type " + quoteUntrusted(kty) + " (RSA or EC)");
  return Status::ok();
}

// An "alg" member must name a supported algorithm of the key's type (and curve).
Status checkAlgorithm(const Jwk& jwk, const std::string& path) {
  if (jwk.alg.empty()) return Status::ok();
  const JwsAlgorithm* alg = findAlgorithm(jwk.alg);
  if (alg == nullptr) return memberError(path + ".alg", "unknown algorithm " + quoteUntrusted(jwk.alg, 32));
  if (alg->kty != jwk.kty) {
    return memberError(path + ".alg",
                       paymesh::quoted(alg->name) + " needs an " + std::string(alg->kty) + " key, not " + jwk.kty);
  }
  if (alg->curve != nullptr && alg->curve->name != jwk.crv) {
    return memberError(path + ".alg",
                       paymesh::quoted(alg->name) + " signs on " + std::string(alg->curve->name) + ", not " + jwk.crv);
  }
  return Status::ok();
}

Result<Jwk> parseJwk(const json& j, const std::string& path) {
  if (!j.is_object()) return memberError(path, "must be an object");
  Jwk jwk;
  ASSIGN_OR_RETURN(jwk.kty, optionalString(j, path, "kty"));
  RETURN_IF_ERROR(checkKeyType(jwk.kty, path));
  for (const char* member : kPrivateMembers) {
    if (j.contains(member)) {
      return memberError(path + "." + member,
                         "a private key member; a JWKS that verifies tokens holds public keys only");
    }
  }
  ASSIGN_OR_RETURN(jwk.kid, optionalString(j, path, "kid"));
  ASSIGN_OR_RETURN(jwk.alg, optionalString(j, path, "alg"));
  if (jwk.kty == "EC") {
    ASSIGN_OR_RETURN(jwk.crv, optionalString(j, path, "crv"));
    if (jwk.crv.empty()) return memberError(path + ".crv", "missing");
    if (findCurve(jwk.crv) == nullptr) {
      return memberError(path + ".crv", "unknown curve " + quoteUntrusted(jwk.crv, 32) + " (P-256, P-384 or P-521)");
    }
  }
  RETURN_IF_ERROR(checkAlgorithm(jwk, path));
  auto key = jwk.kty == "RSA" ? rsaKey(j, path) : ecKey(j, path, *findCurve(jwk.crv));
  if (!key) return key.status();
  jwk.key = std::move(*key);
  return jwk;
}

// object[member] when it is a string, else `fallback` (objects from files may be odd).
std::string stringOr(const json& object, const char* member, const std::string& fallback) {
  auto it = object.find(member);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<json> parseJson(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return invalidArgument("not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
}

// The text at `key` of a ConfigMap (data, or base64 binaryData) or Secret (base64 data,
// or stringData as given); nullopt when the object has no such key.
Result<std::optional<std::string>> objectValue(const json& object, bool secret, const std::string& key) {
  const char* plain = secret ? "stringData" : "data";
  const char* encoded = secret ? "data" : "binaryData";
  for (const char* field : {encoded, plain}) {
    auto section = object.find(field);
    if (section == object.end() || !section->is_object()) continue;
    auto value = section->find(key);
    if (value == section->end()) continue;
    if (!value->is_string())
      return invalidArgument(std::string(field) + "[" + paymesh::quoted(key) + "]: must be a string");
    if (field == plain) return std::optional<std::string>(value->get<std::string>());
    auto decoded = base64Decode(value->get_ref<const std::string&>());
    if (!decoded) {
      return invalidArgument(std::string(field) + "[" + paymesh::quoted(key) +
                             "]: not base64: " + decoded.status().message());
    }
    return std::optional<std::string>(std::move(*decoded));
  }
  return std::optional<std::string>();
}

}  // namespace

Result<Jwks> parseJwks(std::string_view text) {
  ASSIGN_OR_RETURN(json j, parseJson(text));
  if (!j.is_object()) return invalidArgument("a JWKS is a JSON object with \"keys\"");
  auto keys = j.find("keys");
  if (keys == j.end()) return memberError("keys", "missing");
  if (!keys->is_array()) return memberError("keys", "must be a list");
  if (keys->empty()) return memberError("keys", "empty: no key to verify a token with");
  Jwks jwks;
  for (size_t i = 0; i < keys->size(); ++i) {
    ASSIGN_OR_RETURN(Jwk jwk, parseJwk((*keys)[i], "keys[" + std::to_string(i) + "]"));
    jwks.keys.push_back(std::move(jwk));
  }
  return jwks;
}

Result<std::string> jwksFromObject(const json& object, const model::JwksSource& source) {
  if (source.kind == model::JwksSourceKind::kRemote) {
    return invalidArgument("the JWKS at " + source.uri + " is fetched by the sidecar, not read from an object");
  }
  const bool secret = source.kind == model::JwksSourceKind::kSecret;
  const std::string kind = model::toString(source.kind);
  if (!object.is_object()) return invalidArgument(kind + " " + source.name + ": not an object");
  auto metadata = object.find("metadata");
  const json& meta = metadata != object.end() && metadata->is_object() ? *metadata : json::object();
  const std::string where =
      kind + " " + stringOr(meta, "namespace", "default") + "/" + stringOr(meta, "name", source.name);
  if (stringOr(object, "kind", kind) != kind) return invalidArgument(where + ": not a " + kind);
  auto value = objectValue(object, secret, source.key);
  if (!value) return value.status().withContext(where);
  if (!value->has_value()) return notFound(where + " has no key " + paymesh::quoted(source.key));
  return std::move(**value);
}

}  // namespace paymesh::auth
