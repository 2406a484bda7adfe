#include "inject/sidecar.h"

#include <cctype>

#include "inject/names.h"
#include "policy/names.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

json httpGet(const model::MeshConfig& mesh) {
  return {{"path", kReadinessPath}, {"port", mesh.readiness_port}, {"scheme", "HTTP"}};
}

json resources(const model::MeshConfig::Sidecar& sc) {
  json r = {{"requests", {{"cpu", sc.cpu_request}, {"memory", sc.memory_request}}},
            {"limits", {{"memory", sc.memory_limit}}}};
  if (sc.cpu_limit) r["limits"]["cpu"] = *sc.cpu_limit;
  return r;
}

json securityContext(const model::MeshConfig::Sidecar& sc) {
  return {{"allowPrivilegeEscalation", false},
          {"capabilities", {{"drop", {"ALL"}}}},
          {"privileged", false},
          {"readOnlyRootFilesystem", true},
          {"runAsGroup", sc.run_as_group},
          {"runAsNonRoot", true},
          {"runAsUser", sc.run_as_user},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

json fieldEnv(const char* name, const char* field) {
  return {{"name", name}, {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", field}}}}}};
}

json envoyArgs(const model::MeshConfig& mesh) {
  // --service-node gives each pod its own node id (the bootstrap's is the service's);
  // hot restart needs shared memory and a second process, which a pod never has.
  json args = {"-c",
               policy::configPath(policy::kBootstrapFile),
               "--service-node",
               "$(POD_NAME).$(POD_NAMESPACE)",
               "--log-level",
               mesh.sidecar.log_level,
               "--concurrency",
               std::to_string(mesh.sidecar.concurrency),
               "--disable-hot-restart"};
  for (const auto& a : mesh.sidecar.args) args.push_back(a);
  return args;
}

}  // namespace

json sidecarContainer(const model::MeshConfig& mesh) {
  const auto& sc = mesh.sidecar;
  json c = {
      {"name", kProxyContainer},
      {"image", sc.image},
      {"imagePullPolicy", sc.image_pull_policy},
      {"command", {"envoy"}},
      {"args", envoyArgs(mesh)},
      {"env", {fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_NAMESPACE", "metadata.namespace")}},
      {"ports",
       {{{"name", "paymesh-inbound"}, {"containerPort", mesh.inbound_port}, {"protocol", "TCP"}},
        {{"name", "paymesh-stats"}, {"containerPort", mesh.stats_port}, {"protocol", "TCP"}}}},
      {"readinessProbe", {{"httpGet", httpGet(mesh)}, {"periodSeconds", 5}, {"failureThreshold", 3}}},
      {"resources", resources(sc)},
      {"securityContext", securityContext(sc)},
      {"volumeMounts",
       {{{"name", kConfigVolume}, {"mountPath", policy::kConfigDir}, {"readOnly", true}},
        {{"name", kTlsVolume}, {"mountPath", policy::kTlsDir}, {"readOnly", true}}}},
  };
  if (sc.mode == model::MeshConfig::SidecarMode::kNative) {
    c["restartPolicy"] = "Always";
    c["startupProbe"] = {{"httpGet", httpGet(mesh)}, {"periodSeconds", 1}, {"failureThreshold", 60}};
  }
  return c;
}

// The ConfigMap and every endpoint shard it may be split into, in one projected volume:
// the kubelet writes all sources into one timestamped directory and swaps the ..data
// link, so Envoy's watch on the directory sees one move. Shards are optional: only those
// a configuration needs exist.
json configVolume(const model::PaymentService& service) {
  json sources = json::array();
  for (int n = 0; n < policy::kConfigShards; ++n)
    sources.push_back(
        {{"configMap", {{"name", policy::configShardName(service.metadata.name, n)}, {"optional", true}}}});
  // Last, so that during a move between ConfigMaps the first's files win a duplicate path.
  sources.push_back({{"configMap", {{"name", policy::configMapName(service.metadata.name)}}}});
  return {{"name", kConfigVolume}, {"projected", {{"defaultMode", 0444}, {"sources", std::move(sources)}}}};
}

json tlsVolume(const model::PaymentService& service) {
  return {{"name", kTlsVolume},
          {"secret", {{"secretName", policy::tlsSecretName(service.metadata.name)}, {"defaultMode", kTlsFileMode}}}};
}

std::string dependencyEnvName(const std::string& dependency) {
  std::string out = "PAYMESH_";
  for (char c : dependency) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "_ADDR";
}

std::vector<std::pair<std::string, std::string>> dependencyEnv(const model::PaymentServiceSpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < spec.dependencies.size(); ++i) {
    out.emplace_back(dependencyEnvName(spec.dependencies[i].name),
                     "127.0.0.1:" + std::to_string(model::dependencyLocalPort(spec, i)));
  }
  return out;
}

}  // namespace paymesh::inject
