#pragma once
// Where the API server is and how to authenticate: from a kubeconfig file (current or named
// context) or from the in-cluster service account. TLS verification is always on; exec
// credential plugins and insecure-skip-tls-verify are refused with a clear error.

#include <functional>
#include <string>

#include "base/status.h"

namespace paymesh::kube {

struct ClusterConfig {
  std::string server;           // https://host:port (http:// only for loopback test servers)
  std::string ca_pem;           // trusted CA; empty: the system trust store
  std::string client_cert_pem;  // client certificate authentication
  std::string client_key_pem;
  std::string token;            // static bearer token
  std::string token_file;       // bearer token read from a file, re-read when it changes
  std::string tls_server_name;  // overrides the name checked in the server certificate
  std::string default_namespace = "default";
};

// Reads an environment variable; injectable for tests.
using GetEnv = std::function<std::string(const std::string&)>;
std::string realGetEnv(const std::string& name);

// The kubeconfig to read: the flag, else the first file in $KUBECONFIG, else ~/.kube/config.
std::string kubeconfigPath(const std::string& flag, const GetEnv& env = realGetEnv);

// Parses kubeconfig YAML text; relative file paths resolve against `base_dir`.
Result<ClusterConfig> parseKubeconfig(const std::string& text, const std::string& context, const std::string& base_dir);
Result<ClusterConfig> loadKubeconfig(const std::string& path, const std::string& context = "");

// In-cluster: KUBERNETES_SERVICE_HOST/PORT, the service-account token file (re-read on
// rotation), CA and namespace from `sa_dir`.
Result<ClusterConfig> inClusterConfig(const GetEnv& env = realGetEnv,
                                      const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// The usual order: an explicit kubeconfig flag, else in-cluster when running in a pod, else
// $KUBECONFIG / ~/.kube/config.
Result<ClusterConfig> loadConfig(const std::string& kubeconfig_flag, const std::string& context,
                                 const GetEnv& env = realGetEnv,
                                 const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace paymesh::kube
