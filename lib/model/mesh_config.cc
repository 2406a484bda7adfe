#include "model/mesh_config.h"

#include <set>

#include "model/manifest.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

SchemaPtr port(const char* description, int64_t def) { return s::withDefault(s::integer(description, 1, 65535), def); }

SchemaPtr buildMeshSchema() {
  MeshConfig d;  // the defaults live in the struct; the schema repeats them as data
  auto ca = s::withDefault(
      s::object(
          "Mesh certificate authority.",
          {{"secretName",
            s::withDefault(s::string("Secret holding the CA (tls.crt, tls.key).", Format::kDns1123Subdomain),
                           d.ca.secret_name)},
           {"namespace",
            s::withDefault(s::string("Namespace of the CA Secret.", Format::kDns1123Label), d.ca.namespace_)},
           {"existing",
            s::withDefault(s::boolean("The CA is managed elsewhere: never create it, fail if absent."), false)},
           {"keyAlgorithm",
            s::withDefault(s::enumeration("Key algorithm of a created CA.", keyAlgorithmNames()), "ECDSAP256")},
           {"duration", s::withDefault(s::duration("Lifetime of a created CA.", "24h", "876000h"), "87600h")},
           {"rotationOverlap",
            s::withDefault(
                s::duration("How long old and new CA are both trusted during rotation; at most a sixth of duration "
                            "(a rotation starts when a third of the CA's life is left).",
                            "1m", "8760h"),
                "48h")},
           {"secretPropagationDelay",
            s::withDefault(s::duration("How long kubelets take to bring an updated Secret into running pods (their "
                                       "sync period plus their Secret cache TTL); at most half of rotationOverlap.",
                                       "1s", "4380h"),
                           "2m")}}),
      json::object());
  auto sidecar = s::withDefault(
      s::object(
          "The injected sidecar container.",
          {{"mode", s::withDefault(s::enumeration("Native: an init container with restartPolicy Always, started "
                                                  "before the app and stopped after it (Kubernetes 1.29+). "
                                                  "Classic: a container next to the app's.",
                                                  {"Native", "Classic"}),
                                   "Native")},
           {"image", s::withDefault(s::string("Sidecar image.", Format::kImage), d.sidecar.image)},
           {"imagePullPolicy", s::withDefault(s::enumeration("Pull policy.", {"Always", "IfNotPresent", "Never"}),
                                              d.sidecar.image_pull_policy)},
           {"cpuRequest", s::withDefault(s::string("CPU request.", Format::kQuantity), d.sidecar.cpu_request)},
           {"cpuLimit",
            s::string("CPU limit (default: none, so the data path is never throttled).", Format::kQuantity)},
           {"memoryRequest", s::withDefault(s::string("Memory request.", Format::kQuantity), d.sidecar.memory_request)},
           {"memoryLimit", s::withDefault(s::string("Memory limit.", Format::kQuantity), d.sidecar.memory_limit)},
           {"logLevel", s::withDefault(s::enumeration("Sidecar log level.",
                                                      {"trace", "debug", "info", "warn", "error", "critical", "off"}),
                                       d.sidecar.log_level)},
           {"concurrency", s::withDefault(s::integer("Sidecar worker threads.", 1, 64), d.sidecar.concurrency)},
           {"runAsUser", s::withDefault(s::integer("UID the sidecar runs as.", 1, 2147483647), d.sidecar.run_as_user)},
           {"runAsGroup", s::withDefault(s::integer("GID the sidecar runs as; also the pod's fsGroup when the "
                                                    "pod sets none, so the sidecar can read its key (mode 0440).",
                                                    1, 2147483647),
                                         d.sidecar.run_as_group)},
           {"args", s::withDefault(s::array("Extra arguments appended to Envoy's command line.",
                                            s::string("An Envoy command-line argument.")),
                                   json::array())}}),
      json::object());
  auto injection = s::withDefault(
      s::object(
          "Which pods get a sidecar.",
          {{"namespaceSelector", s::withDefault(s::stringMap("Labels a namespace must carry for injection.",
                                                             Format::kLabelKey, Format::kLabelValue),
                                                json{{"paymesh.io/injection", "enabled"}})},
           {"podAnnotation",
            s::withDefault(s::string("Pod annotation that opts a pod out of injection (\"false\").", Format::kLabelKey),
                           d.injection.pod_annotation)},
           {"unselectedPods",
            s::withDefault(s::enumeration("What the webhook does with a pod that asked for the mesh but no "
                                          "PaymentService selects: Refuse it (allowed: false), or Admit it without "
                                          "a sidecar.",
                                          {"Refuse", "Admit"}),
                           "Refuse")}}),
      json::object());
  auto webhook = s::withDefault(
      s::object(
          "The injection webhook.",
          {{"serviceName",
            s::withDefault(s::string("Service of the webhook.", Format::kDns1123Label), d.webhook.service_name)},
           {"namespace",
            s::withDefault(s::string("Namespace of the webhook.", Format::kDns1123Label), d.webhook.namespace_)},
           {"secretName", s::withDefault(s::string("Secret of the serving certificate.", Format::kDns1123Subdomain),
                                         d.webhook.secret_name)},
           {"configurationName",
            s::withDefault(s::string("MutatingWebhookConfiguration name.", Format::kDns1123Subdomain),
                           d.webhook.configuration_name)}}),
      json::object());
  return s::object(
      "paymesh mesh configuration.",
      {{"trustDomain", s::withDefault(s::string("SPIFFE trust domain.", Format::kDns1123Subdomain), d.trust_domain)},
       {"inboundPort", port("Sidecar inbound (mTLS) port.", d.inbound_port)},
       {"adminPort", port("Sidecar admin port, bound to 127.0.0.1.", d.admin_port)},
       {"statsPort", port("Sidecar Prometheus stats port.", d.stats_port)},
       {"readinessPort", port("Sidecar readiness port.", d.readiness_port)},
       {"idempotencyHeader",
        s::withDefault(s::string("Header that marks a request as safe to retry.", Format::kHttpHeaderName),
                       d.idempotency_header)},
       {"ca", ca},
       {"sidecar", sidecar},
       {"injection", injection},
       {"webhook", webhook}});
}

}  // namespace

const Schema& meshConfigSchema() {
  static const SchemaPtr schema = buildMeshSchema();
  return *schema;
}

MeshConfigResult parseMeshConfig(const json& input) {
  MeshConfigResult result;
  json v = input.is_null() ? json::object() : input;
  if (!v.is_object()) {
    result.errors.push_back({"", "mesh config must be a mapping, got " + jsonTypeName(v)});
    return result;
  }
  defaultAndValidate(v, meshConfigSchema(), "", result.errors);
  if (!result.errors.empty()) return result;
  // Ports must not collide: they share the pod's network namespace.
  std::map<int64_t, std::string> ports;
  for (const char* p : {"inboundPort", "adminPort", "statsPort", "readinessPort"}) {
    int64_t n = v[p].get<int64_t>();
    if (auto it = ports.find(n); it != ports.end()) {
      result.errors.push_back({p, "port " + std::to_string(n) + " is already used by " + it->second});
    }
    ports[n] = p;
  }
  // Each CA rotation phase waits half the overlap: kubelets must be done by then.
  auto overlap = parseDuration(v["ca"]["rotationOverlap"].get<std::string>()).value();
  auto propagation = parseDuration(v["ca"]["secretPropagationDelay"].get<std::string>()).value();
  if (overlap < 2 * propagation)
    result.errors.push_back({"ca.rotationOverlap", "must be at least twice ca.secretPropagationDelay (" +
                                                       v["ca"]["secretPropagationDelay"].get<std::string>() +
                                                       "): each rotation phase waits half of it for the kubelets"});
  // A rotation starts at 2/3 of the CA's life and needs rotationOverlap to finish; as much
  // again is kept in reserve before the old CA expires (the held rotation's alerts, then the
  // forced step at notAfter - rotationOverlap: docs/operator.md). So a third of the life
  // must hold two overlaps.
  auto ca_duration = parseDuration(v["ca"]["duration"].get<std::string>()).value();
  if (!v["ca"]["existing"].get<bool>() && 6 * overlap > ca_duration)
    result.errors.push_back(
        {"ca.rotationOverlap", "must be at most a sixth of ca.duration (" + v["ca"]["duration"].get<std::string>() +
                                   "): the rotation starts when a third of the CA's life is left and needs "
                                   "rotationOverlap to finish, with as much again in reserve before the old CA "
                                   "expires"});
  // Flags the injector sets itself: given twice, Envoy refuses to start.
  static const std::set<std::string> kInjectorFlags = {"-c",        "--config-path",        "--service-node",
                                                       "-l",        "--log-level",          "--concurrency",
                                                       "--base-id", "--disable-hot-restart"};
  const json& args = v["sidecar"]["args"];
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i].get<std::string>().substr(0, args[i].get<std::string>().find('='));
    if (kInjectorFlags.count(flag)) {
      result.errors.push_back({indexPath("sidecar.args", i), "\"" + flag + "\" is set by the injector"});
    }
  }
  if (!result.errors.empty()) return result;

  MeshConfig c;
  c.trust_domain = v["trustDomain"];
  c.inbound_port = v["inboundPort"];
  c.admin_port = v["adminPort"];
  c.stats_port = v["statsPort"];
  c.readiness_port = v["readinessPort"];
  c.idempotency_header = v["idempotencyHeader"];
  const json& ca = v["ca"];
  c.ca.secret_name = ca["secretName"];
  c.ca.namespace_ = ca["namespace"];
  c.ca.existing = ca["existing"];
  c.ca.key_algorithm = parseKeyAlgorithm(ca["keyAlgorithm"].get<std::string>()).value();  // schema-checked
  c.ca.duration = ca_duration;
  c.ca.rotation_overlap = overlap;
  c.ca.secret_propagation_delay = propagation;
  const json& sc = v["sidecar"];
  c.sidecar.mode = sc["mode"] == "Classic" ? MeshConfig::SidecarMode::kClassic : MeshConfig::SidecarMode::kNative;
  c.sidecar.image = sc["image"];
  c.sidecar.image_pull_policy = sc["imagePullPolicy"];
  c.sidecar.cpu_request = sc["cpuRequest"];
  c.sidecar.memory_request = sc["memoryRequest"];
  c.sidecar.memory_limit = sc["memoryLimit"];
  if (sc.contains("cpuLimit")) c.sidecar.cpu_limit = sc["cpuLimit"].get<std::string>();
  c.sidecar.log_level = sc["logLevel"];
  c.sidecar.concurrency = sc["concurrency"];
  c.sidecar.run_as_user = sc["runAsUser"];
  c.sidecar.run_as_group = sc["runAsGroup"];
  c.sidecar.args = sc["args"].get<std::vector<std::string>>();
  c.injection.namespace_selector = v["injection"]["namespaceSelector"].get<std::map<std::string, std::string>>();
  c.injection.pod_annotation = v["injection"]["podAnnotation"];
  c.injection.unselected_pods = v["injection"]["unselectedPods"] == "Admit" ? MeshConfig::UnselectedPods::kAdmit
                                                                            : MeshConfig::UnselectedPods::kRefuse;
  const json& wh = v["webhook"];
  c.webhook.service_name = wh["serviceName"];
  c.webhook.namespace_ = wh["namespace"];
  c.webhook.secret_name = wh["secretName"];
  c.webhook.configuration_name = wh["configurationName"];
  c.raw = std::move(v);
  result.config = std::move(c);
  return result;
}

Result<MeshConfig> loadMeshConfig(const std::string& path) {
  ASSIGN_OR_RETURN(auto manifests, readManifests(path));
  if (manifests.size() > 1) return invalidArgument(path + ": mesh config must be a single YAML document");
  json value = manifests.empty() ? json::object() : manifests[0].doc.value;
  auto r = parseMeshConfig(value);
  if (!r.errors.empty()) {
    std::string msg;
    for (const auto& e : r.errors) {
      if (!msg.empty()) msg += "\n";
      int line = manifests.empty() ? 1 : manifests[0].lineOf(e.path);
      msg += path + ":" + std::to_string(line) + ": " + toString(e);
    }
    return invalidArgument(msg);
  }
  return *r.config;
}

}  // namespace paymesh::model
