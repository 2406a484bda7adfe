#include "kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"

namespace paymesh::kube {
namespace {

Result<std::string> readFile(const std::string& path, const std::string& what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return invalidArgument(what + ": cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

YAML::Node findNamed(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return YAML::Node();
  for (const auto& item : list) {
    if (item["name"] && item["name"].as<std::string>() == name) return item;
  }
  return YAML::Node();
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// Reads `<key>-data` (base64) or `<key>` (a file path) from a kubeconfig section.
Result<std::string> dataOrFile(const YAML::Node& section, const std::string& key, const std::string& base_dir,
                               const std::string& where) {
  if (section[key + "-data"]) {
    auto decoded = base64Decode(section[key + "-data"].as<std::string>());
    if (!decoded.isOk()) return invalidArgument(where + "." + key + "-data: not valid base64");
    return decoded.value();
  }
  if (section[key]) return readFile(resolve(section[key].as<std::string>(), base_dir), where + "." + key);
  return std::string();
}

}  // namespace

std::string realGetEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

std::string kubeconfigPath(const std::string& flag, const GetEnv& env) {
  if (!flag.empty()) return flag;
  std::string list = env("KUBECONFIG");
  if (!list.empty()) return list.substr(0, list.find(':'));
  std::string home = env("HOME");
  return home.empty() ? "" : home + "/.kube/config";
}

Result<ClusterConfig> parseKubeconfig(const std::string& yaml, const std::string& context_name,
                                      const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const std::exception& e) {
    return invalidArgument(std::string("kubeconfig: not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return invalidArgument("kubeconfig: expected a mapping at the top level");
  try {
    std::string ctx_name = context_name;
    if (ctx_name.empty() && root["current-context"]) ctx_name = root["current-context"].as<std::string>();
    if (ctx_name.empty()) return invalidArgument("kubeconfig: no current-context and no context named");
    YAML::Node ctx = findNamed(root["contexts"], ctx_name);
    if (!ctx || !ctx["context"]) return invalidArgument("kubeconfig: context \"" + ctx_name + "\" not found");
    std::string cluster_name = ctx["context"]["cluster"] ? ctx["context"]["cluster"].as<std::string>() : "";
    std::string user_name = ctx["context"]["user"] ? ctx["context"]["user"].as<std::string>() : "";
    YAML::Node cluster = findNamed(root["clusters"], cluster_name);
    if (!cluster || !cluster["cluster"])
      return invalidArgument("kubeconfig: cluster \"" + cluster_name + "\" of context \"" + ctx_name + "\" not found");
    ClusterConfig cfg;
    if (ctx["context"]["namespace"]) cfg.default_namespace = ctx["context"]["namespace"].as<std::string>();
    const YAML::Node c = cluster["cluster"];
    std::string where = "kubeconfig: clusters[" + cluster_name + "]";
    if (!c["server"]) return invalidArgument(where + ".server: required");
    cfg.server = c["server"].as<std::string>();
    if (cfg.server.rfind("https://", 0) != 0 && cfg.server.rfind("http://", 0) != 0)
      return invalidArgument(where + ".server: expected an https:// URL, got \"" + cfg.server + "\"");
    if (c["insecure-skip-tls-verify"] && c["insecure-skip-tls-verify"].as<bool>())
      return invalidArgument(where + ".insecure-skip-tls-verify: not supported; TLS verification is always on");
    if (c["tls-server-name"]) cfg.tls_server_name = c["tls-server-name"].as<std::string>();
    ASSIGN_OR_RETURN(cfg.ca_pem, dataOrFile(c, "certificate-authority", base_dir, where));
    if (!user_name.empty()) {
      YAML::Node user = findNamed(root["users"], user_name);
      if (!user) return invalidArgument("kubeconfig: user \"" + user_name + "\" of context \"" + ctx_name + "\" not found");
      const YAML::Node u = user["user"];
      std::string uwhere = "kubeconfig: users[" + user_name + "]";
      if (u) {
        if (u["exec"]) return Status(Code::kUnimplemented, uwhere + ".exec: exec credential plugins are not supported");
        if (u["auth-provider"])
          return Status(Code::kUnimplemented, uwhere + ".auth-provider: auth provider plugins are not supported");
        ASSIGN_OR_RETURN(cfg.client_cert_pem, dataOrFile(u, "client-certificate", base_dir, uwhere));
        ASSIGN_OR_RETURN(cfg.client_key_pem, dataOrFile(u, "client-key", base_dir, uwhere));
        if (cfg.client_cert_pem.empty() != cfg.client_key_pem.empty())
          return invalidArgument(uwhere + ": client-certificate and client-key must be given together");
        if (u["token"]) cfg.token = u["token"].as<std::string>();
        if (u["tokenFile"]) cfg.token_file = resolve(u["tokenFile"].as<std::string>(), base_dir);
      }
    }
    return cfg;
  } catch (const YAML::Exception& e) {
    return invalidArgument(std::string("kubeconfig: unexpected structure: ") + e.what());
  }
}

Result<ClusterConfig> loadKubeconfig(const std::string& path, const std::string& context) {
  if (path.empty()) return invalidArgument("kubeconfig: no path (set --kubeconfig, KUBECONFIG or HOME)");
  ASSIGN_OR_RETURN(std::string text, readFile(path, "kubeconfig"));
  auto cfg = parseKubeconfig(text, context, std::filesystem::path(path).parent_path().string());
  if (!cfg.isOk()) return cfg.status().withContext(path);
  return cfg;
}

Result<ClusterConfig> inClusterConfig(const GetEnv& env, const std::string& sa_dir) {
  std::string host = env("KUBERNETES_SERVICE_HOST");
  std::string port = env("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty())
    return failedPrecondition("in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  ClusterConfig cfg;
  bool ipv6 = host.find(':') != std::string::npos;
  cfg.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  cfg.token_file = sa_dir + "/token";
  ASSIGN_OR_RETURN(std::string probe, readFile(cfg.token_file, "in-cluster token"));
  (void)probe;
  ASSIGN_OR_RETURN(cfg.ca_pem, readFile(sa_dir + "/ca.crt", "in-cluster CA"));
  auto ns = readFile(sa_dir + "/namespace", "in-cluster namespace");
  if (ns.isOk() && !ns.value().empty()) {
    std::string n = ns.value();
    while (!n.empty() && (n.back() == '\n' || n.back() == ' ')) n.pop_back();
    cfg.default_namespace = n;
  }
  return cfg;
}

Result<ClusterConfig> loadConfig(const std::string& kubeconfig_flag, const std::string& context, const GetEnv& env,
                                 const std::string& sa_dir) {
  if (kubeconfig_flag.empty() && env("KUBECONFIG").empty() && !env("KUBERNETES_SERVICE_HOST").empty())
    return inClusterConfig(env, sa_dir);
  return loadKubeconfig(kubeconfigPath(kubeconfig_flag, env), context);
}

}  // namespace paymesh::kube
