#pragma once
// Names and paths shared by every part of the sidecar configuration: the ConfigMap
// mount, the Secret mount, and the cluster, listener and file names.

#include <cstddef>
#include <string>
#include <string_view>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

// Where the injected sidecar mounts the ConfigMap <svc>-paymesh and the Secret
// <svc>-paymesh-tls, and the bootstrap Envoy starts from (`envoy -c kBootstrapPath`).
// The injector reads these from here; every path in the rendered files is under them.
inline constexpr const char* kConfigDir = "/etc/paymesh/config";
inline constexpr const char* kTlsDir = "/etc/paymesh/tls";
inline constexpr const char* kBootstrapFile = "envoy.yaml";
inline constexpr const char* kBootstrapPath = "/etc/paymesh/config/envoy.yaml";
inline constexpr const char* kListenersFile = "lds.yaml";
inline constexpr const char* kClustersFile = "cds.yaml";
// SDS resource files: the workload certificate and the trust bundle, each naming the
// Secret's files (one SDS resource per file, as Envoy's file subscription requires).
inline constexpr const char* kCertificateSdsFile = "sds-certificate.yaml";
inline constexpr const char* kTrustBundleSdsFile = "sds-trust-bundle.yaml";
inline constexpr const char* kCertificateSecret = "workload-certificate";
inline constexpr const char* kTrustBundleSecret = "trust-bundle";
inline constexpr const char* kRingFile = "ring.json";
inline constexpr const char* kConfigHashAnnotation = "paymesh.io/config-hash";

inline std::string configMapName(const std::string& service) { return service + "-paymesh"; }
// A configuration over one ConfigMap's 1 MiB keeps its endpoint files in up to
// kConfigShards more, <svc>-paymesh-eds-<n>, projected into the same directory; the
// injected pod mounts every one of them (optional: only those in use exist).
inline constexpr int kConfigShards = 8;
// The most bytes kube-apiserver stores in one ConfigMap's data and binaryData together.
inline constexpr size_t kMaxConfigMapDataBytes = 1024 * 1024;
inline std::string configShardName(const std::string& service, int n) {
  return service + "-paymesh-eds-" + std::to_string(n);
}
inline std::string tlsSecretName(const std::string& service) { return service + "-paymesh-tls"; }
inline std::string configPath(const std::string& file) { return std::string(kConfigDir) + "/" + file; }
inline std::string tlsPath(const std::string& file) { return std::string(kTlsDir) + "/" + file; }

// Callers reach a dependency through "outbound|<name>"; with a fallback that is an
// aggregate over "outbound|<name>|primary" and the fallback's own cluster.
inline std::string outboundCluster(const std::string& service) { return "outbound|" + service; }
inline std::string primaryCluster(const std::string& service) { return "outbound|" + service + "|primary"; }
inline std::string inboundCluster(const std::string& port_name) { return "inbound|" + port_name; }
// A service's endpoint file: JSON, or binary protobuf (".pb", the shortest encoding Envoy
// reads from a file) for one whose JSON would not fit a ConfigMap.
inline std::string edsFile(const std::string& cluster_service) { return "eds-" + cluster_service + ".json"; }
inline std::string edsBinaryFile(const std::string& cluster_service) { return "eds-" + cluster_service + ".pb"; }
inline bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
// A file that holds bytes, not text: kept in the ConfigMap's binaryData.
inline bool isBinaryFile(const std::string& file) { return endsWith(file, ".pb"); }
inline bool isEdsFile(const std::string& file) {
  if (file.rfind("eds-", 0) != 0) return false;
  for (std::string_view ext : {".json", ".pb"})
    if (file.size() > 4 + ext.size() && endsWith(file, ext)) return true;
  return false;
}

// SNI a caller sends for a port of a service; the inbound listener picks the app port by it.
inline std::string portSni(const std::string& port_name, const std::string& service, const std::string& ns) {
  return port_name + "." + service + "." + ns + ".svc";
}

}  // namespace paymesh::policy
