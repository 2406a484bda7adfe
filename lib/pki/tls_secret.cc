#include "pki/tls_secret.h"

#include "base/base64.h"

namespace paymesh::pki {
namespace {

Result<std::string> field(const nlohmann::json& secret, const char* key) {
  if (secret.contains("stringData") && secret["stringData"].is_object() && secret["stringData"].contains(key)) {
    const auto& v = secret["stringData"][key];
    if (!v.is_string()) return invalidArgument(std::string("stringData.") + key + " must be a string");
    return v.get<std::string>();
  }
  if (secret.contains("data") && secret["data"].is_object() && secret["data"].contains(key)) {
    const auto& v = secret["data"][key];
    if (!v.is_string()) return invalidArgument(std::string("data.") + key + " must be a base64 string");
    auto decoded = base64Decode(v.get<std::string>());
    if (!decoded.isOk()) return decoded.status().withContext(std::string("data.") + key);
    return decoded;
  }
  return invalidArgument(std::string("TLS Secret has no ") + key);
}

}  // namespace

Result<TlsSecretContent> tlsSecretContent(const IssuedCertificate& issued, const TrustBundle& bundle) {
  if (bundle.empty()) return invalidArgument("trust bundle is empty");
  ASSIGN_OR_RETURN(std::string key_pem, issued.key.toPkcs8Pem());
  return TlsSecretContent{issued.certificateChainPem(), std::move(key_pem), bundle.toPem()};
}

nlohmann::json tlsSecretData(const TlsSecretContent& content) {
  return {{"type", kTlsSecretType},
          {"data",
           {{kTlsCertKey, base64Encode(content.tls_crt)},
            {kTlsKeyKey, base64Encode(content.tls_key)},
            {kCaCertKey, base64Encode(content.ca_crt)}}}};
}

Result<TlsSecretMaterial> readTlsSecret(const nlohmann::json& secret) {
  if (!secret.is_object()) return invalidArgument("TLS Secret must be a JSON object");
  if (!secret.contains("type") || !secret["type"].is_string() || secret["type"] != kTlsSecretType) {
    return invalidArgument(std::string("Secret type must be \"") + kTlsSecretType + "\"");
  }
  ASSIGN_OR_RETURN(std::string crt, field(secret, kTlsCertKey));
  ASSIGN_OR_RETURN(std::string key_pem, field(secret, kTlsKeyKey));
  ASSIGN_OR_RETURN(std::string ca, field(secret, kCaCertKey));
  auto chain = parsePemCertificates(crt);
  if (!chain.isOk()) return chain.status().withContext(kTlsCertKey);
  auto key = PrivateKey::fromPem(key_pem);
  if (!key.isOk()) return key.status().withContext(kTlsKeyKey);
  auto bundle = TrustBundle::fromPem(ca);
  if (!bundle.isOk()) return bundle.status().withContext(kCaCertKey);
  if (!chain->front().matchesKey(*key))
    return invalidArgument("tls.key does not match the first certificate of tls.crt");
  return TlsSecretMaterial{std::move(chain).value(), std::move(key).value(), std::move(bundle).value()};
}

}  // namespace paymesh::pki
