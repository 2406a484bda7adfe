#include "policy/sds.h"

#include "pki/tls_secret.h"
#include "policy/config_source.h"
#include "policy/names.h"

namespace paymesh::policy {
namespace {

constexpr const char* kSecretType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

Json secretsFile(Json secret) { return {{"resources", Json::array({std::move(secret)})}}; }

// The Secret mount, watched as a directory: Kubernetes updates a mounted Secret by
// writing a new timestamped directory and renaming ..data onto it, which is the move
// event Envoy's watch sees; the files themselves are symlinks that never change.
Json secretMountWatch() { return {{"path", kTlsDir}}; }

}  // namespace

Json sdsSecretConfig(const std::string& secret_name, const std::string& file) {
  return {{"name", secret_name}, {"sds_config", fileConfigSource(file)}};
}

Json certificateSdsResponse() {
  return secretsFile({{"@type", kSecretType},
                      {"name", kCertificateSecret},
                      {"tls_certificate",
                       {{"certificate_chain", {{"filename", tlsPath(pki::kTlsCertKey)}}},
                        {"private_key", {{"filename", tlsPath(pki::kTlsKeyKey)}}},
                        {"watched_directory", secretMountWatch()}}}});
}

Json trustBundleSdsResponse() {
  return secretsFile(
      {{"@type", kSecretType},
       {"name", kTrustBundleSecret},
       {"validation_context",
        {{"trusted_ca", {{"filename", tlsPath(pki::kCaCertKey)}}}, {"watched_directory", secretMountWatch()}}}});
}

}  // namespace paymesh::policy
