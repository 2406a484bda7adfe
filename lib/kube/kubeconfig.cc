#include "kube/kubeconfig.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "yaml/yaml.h"

namespace paymesh::kube {
namespace {

Result<std::string> readFile(const std::string& path, const std::string& what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return invalidArgument(what + ": cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

using nlohmann::json;

// The string at `key` of a mapping, or "" when absent or not a string.
std::string str(const json& section, const std::string& key) {
  if (!section.is_object()) return "";
  auto it = section.find(key);
  return it != section.end() && it->is_string() ? it->get<std::string>() : "";
}

bool has(const json& section, const std::string& key) { return section.is_object() && section.contains(key); }

const json* findNamed(const json& root, const std::string& list_key, const std::string& name) {
  if (!root.contains(list_key) || !root[list_key].is_array()) return nullptr;
  for (const auto& item : root[list_key]) {
    if (str(item, "name") == name) return &item;
  }
  return nullptr;
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// Reads `<key>-data` (base64) or `<key>` (a file path) from a kubeconfig section.
Result<std::string> dataOrFile(const json& section, const std::string& key, const std::string& base_dir,
                               const std::string& where) {
  if (has(section, key + "-data")) {
    auto decoded = base64Decode(str(section, key + "-data"));
    if (!decoded.isOk()) return invalidArgument(where + "." + key + "-data: not valid base64");
    return decoded.value();
  }
  if (has(section, key)) return readFile(resolve(str(section, key), base_dir), where + "." + key);
  return std::string();
}

// kubectl accepts `true` and the string "true" alike.
bool truthy(const json& section, const std::string& key) {
  if (!has(section, key)) return false;
  const json& v = section[key];
  return v.is_boolean() ? v.get<bool>() : str(section, key) == "true";
}

Result<ClusterConfig> readUser(const json& u, ClusterConfig cfg, const std::string& base_dir,
                               const std::string& uwhere) {
  if (!u.is_object()) return cfg;
  if (has(u, "exec")) return Status(Code::kUnimplemented, uwhere + ".exec: exec credential plugins are not supported");
  if (has(u, "auth-provider"))
    return Status(Code::kUnimplemented, uwhere + ".auth-provider: auth provider plugins are not supported");
  ASSIGN_OR_RETURN(cfg.client_cert_pem, dataOrFile(u, "client-certificate", base_dir, uwhere));
  ASSIGN_OR_RETURN(cfg.client_key_pem, dataOrFile(u, "client-key", base_dir, uwhere));
  if (cfg.client_cert_pem.empty() != cfg.client_key_pem.empty())
    return invalidArgument(uwhere + ": client-certificate and client-key must be given together");
  if (has(u, "token")) cfg.token = str(u, "token");
  if (has(u, "tokenFile")) cfg.token_file = resolve(str(u, "tokenFile"), base_dir);
  return cfg;
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

Result<ClusterConfig> parseKubeconfig(const std::string& text, const std::string& context_name,
                                      const std::string& base_dir) {
  auto docs = yaml::parseYamlDocuments(text);
  if (!docs.isOk()) return invalidArgument("kubeconfig: not valid YAML: " + docs.status().message());
  if (docs->size() != 1 || !(*docs)[0].value.is_object())
    return invalidArgument("kubeconfig: expected a mapping at the top level");
  const json& root = (*docs)[0].value;
  std::string ctx_name = context_name.empty() ? str(root, "current-context") : context_name;
  if (ctx_name.empty()) return invalidArgument("kubeconfig: no current-context and no context named");
  const json* ctx = findNamed(root, "contexts", ctx_name);
  if (!ctx || !has(*ctx, "context") || !(*ctx)["context"].is_object())
    return invalidArgument("kubeconfig: context \"" + ctx_name + "\" not found");
  const json& context = (*ctx)["context"];
  std::string cluster_name = str(context, "cluster");
  std::string user_name = str(context, "user");
  const json* cluster = findNamed(root, "clusters", cluster_name);
  if (!cluster || !has(*cluster, "cluster") || !(*cluster)["cluster"].is_object())
    return invalidArgument("kubeconfig: cluster \"" + cluster_name + "\" of context \"" + ctx_name + "\" not found");
  ClusterConfig cfg;
  if (has(context, "namespace")) cfg.default_namespace = str(context, "namespace");
  const json& c = (*cluster)["cluster"];
  std::string where = "kubeconfig: clusters[" + cluster_name + "]";
  if (!has(c, "server")) return invalidArgument(where + ".server: required");
  cfg.server = str(c, "server");
  if (cfg.server.rfind("https://", 0) != 0 && cfg.server.rfind("http://", 0) != 0)
    return invalidArgument(where + ".server: expected an https:// URL, got \"" + cfg.server + "\"");
  if (truthy(c, "insecure-skip-tls-verify"))
    return invalidArgument(where + ".insecure-skip-tls-verify: not supported; TLS verification is always on");
  if (has(c, "tls-server-name")) cfg.tls_server_name = str(c, "tls-server-name");
  ASSIGN_OR_RETURN(cfg.ca_pem, dataOrFile(c, "certificate-authority", base_dir, where));
  if (user_name.empty()) return cfg;
  const json* user = findNamed(root, "users", user_name);
  if (!user) return invalidArgument("kubeconfig: user \"" + user_name + "\" of context \"" + ctx_name + "\" not found");
  return readUser(user->value("user", json()), std::move(cfg), base_dir, "kubeconfig: users[" + user_name + "]");
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
