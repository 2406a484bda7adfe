// What the chart's objects say: the injector's webhook settings and namespace selector,
// the webhook Deployment's availability and lockdown, and every knob of values.yaml
// reaching both Deployments.

#include <gtest/gtest.h>

#include <set>

#include "charts/helm.h"
#include "emulator/label_selector.h"
#include "model/manifest.h"
#include "model/mesh_config.h"

namespace paymesh::testing {
namespace {

using Json = nlohmann::json;

const std::string kValuesDir = PAYMESH_SOURCE_DIR "/tests/charts/values/";

Rendered render(const std::vector<std::string>& values_files = {}, const std::vector<std::string>& sets = {}) {
  HelmArgs a;
  for (const auto& f : values_files) a.values_files.push_back(kValuesDir + f);
  a.sets = sets;
  Rendered r = helmTemplate(a);
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
  return r;
}

const Json& podSpec(const Json& deployment) { return deployment["spec"]["template"]["spec"]; }
const Json& container(const Json& deployment) { return podSpec(deployment)["containers"][0]; }

bool selects(const Json& webhook, const std::string& ns, std::map<std::string, std::string> labels) {
  labels["kubernetes.io/metadata.name"] = ns;  // set on every namespace by the API server
  std::string error;
  bool match = emulator::matchesLabelSelector(webhook["namespaceSelector"], labels, error);
  EXPECT_EQ(error, "");
  return match;
}

TEST(InjectorTest, SettingsTheApiServerActsOn) {
  Rendered r = render();
  const Json& hooks = r.get("MutatingWebhookConfiguration", "paymesh-sidecar-injector")["webhooks"];
  ASSERT_EQ(hooks.size(), 1u);
  const Json& w = hooks[0];
  EXPECT_EQ(w["failurePolicy"], "Fail");
  EXPECT_EQ(w["sideEffects"], "None");
  EXPECT_EQ(w["admissionReviewVersions"], Json::array({"v1"}));
  EXPECT_EQ(w["timeoutSeconds"], 5);
  EXPECT_EQ(w["reinvocationPolicy"], "IfNeeded");
  EXPECT_EQ(w["clientConfig"]["service"],
            (Json{{"name", "paymesh-webhook"}, {"namespace", "paymesh-system"}, {"path", "/inject"}, {"port", 443}}));
  EXPECT_FALSE(w["clientConfig"].contains("caBundle")) << "the operator fills it";
  EXPECT_EQ(w["rules"], (Json::parse(R"([{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                          "resources": ["pods"], "scope": "Namespaced"}])")));
  // The Service it calls forwards 443 to the container's HTTPS port.
  const Json& svc = r.get("Service", "paymesh-webhook");
  EXPECT_EQ(svc["spec"]["ports"][0], (Json{{"name", "https"}, {"port", 443}, {"targetPort", "https"}}));
  const Json& deploy = r.get("Deployment", "paymesh-webhook");
  EXPECT_EQ(container(deploy)["ports"][0], (Json{{"name", "https"}, {"containerPort", 9443}}));
  for (const auto& [k, v] : svc["spec"]["selector"].items())
    EXPECT_EQ(deploy["spec"]["template"]["metadata"]["labels"].value(k, ""), v) << k;
}

TEST(InjectorTest, NeverMatchesKubeSystemOrTheReleaseNamespace) {
  for (const std::string release_ns : {"paymesh-system", "mesh"}) {
    HelmArgs a;
    a.ns = release_ns;
    Rendered r = helmTemplate(a);
    ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
    const Json& w = r.get("MutatingWebhookConfiguration", "paymesh-sidecar-injector")["webhooks"][0];
    std::map<std::string, std::string> on = {{"paymesh.io/injection", "enabled"}};
    EXPECT_TRUE(selects(w, "payments", on));
    EXPECT_FALSE(selects(w, "payments", {}));
    EXPECT_FALSE(selects(w, "payments", {{"paymesh.io/injection", "disabled"}}));
    EXPECT_FALSE(selects(w, "kube-system", on)) << "kube-system must never be injected";
    EXPECT_FALSE(selects(w, release_ns, on)) << "the webhook's own namespace must never be injected";
  }
  // The selector follows meshConfig.injection.namespaceSelector, guard included.
  Rendered custom = render({"mesh-config.yaml"});
  const Json& w = custom.get("MutatingWebhookConfiguration", "paymesh-sidecar-injector")["webhooks"][0];
  EXPECT_TRUE(selects(w, "payments", {{"paymesh.io/injection", "enabled"}, {"tier", "payments"}}));
  EXPECT_FALSE(selects(w, "payments", {{"paymesh.io/injection", "enabled"}}));
  EXPECT_FALSE(selects(w, "kube-system", {{"paymesh.io/injection", "enabled"}, {"tier", "payments"}}));
}

TEST(WebhookDeploymentTest, HighlyAvailableAndLockedDown) {
  Rendered r = render();
  const Json& deploy = r.get("Deployment", "paymesh-webhook");
  EXPECT_EQ(deploy["spec"]["replicas"], 2);
  EXPECT_EQ(deploy["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0);
  const Json& pod = podSpec(deploy);
  const Json& pod_labels = deploy["spec"]["template"]["metadata"]["labels"];
  auto selectsPods = [&](const Json& selector) {
    std::string error;
    std::map<std::string, std::string> labels = pod_labels.get<std::map<std::string, std::string>>();
    return emulator::matchesLabelSelector(selector, labels, error) && error.empty();
  };
  const Json& anti = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
  EXPECT_EQ(anti["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname");
  EXPECT_TRUE(selectsPods(anti["podAffinityTerm"]["labelSelector"]));
  EXPECT_EQ(pod["topologySpreadConstraints"][0]["topologyKey"], "topology.kubernetes.io/zone");
  EXPECT_TRUE(selectsPods(pod["topologySpreadConstraints"][0]["labelSelector"]));
  const Json& pdb = r.get("PodDisruptionBudget", "paymesh-webhook");
  EXPECT_EQ(pdb["spec"]["minAvailable"], 1);
  EXPECT_TRUE(selectsPods(pdb["spec"]["selector"]));
  // Only the webhook's pods: the operator's are not in its budget.
  EXPECT_EQ(pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"], "webhook");

  const Json& c = container(deploy);
  EXPECT_EQ(c["command"], Json::array({"/usr/local/bin/paymesh-webhook"}));
  for (const char* probe : {"livenessProbe", "readinessProbe"}) {
    EXPECT_EQ(c[probe]["httpGet"]["scheme"], "HTTPS") << probe;
    EXPECT_EQ(c[probe]["httpGet"]["port"], "https") << probe;
  }
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"], "/readyz");
  for (const Json* d : {&deploy, &r.get("Deployment", "paymesh-operator")}) {
    const Json& sc = container(*d)["securityContext"];
    EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
    EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
    EXPECT_EQ(sc["runAsNonRoot"], true);
    EXPECT_EQ(sc["capabilities"]["drop"], Json::array({"ALL"}));
    EXPECT_EQ(podSpec(*d)["securityContext"]["runAsNonRoot"], true);
    EXPECT_EQ(podSpec(*d)["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  }
  // The serving certificate the operator fills is the Secret the chart creates, mounted
  // where --cert-dir points; the mesh config is the release's.
  std::map<std::string, Json> volumes;
  for (const auto& v : pod["volumes"]) volumes[v["name"]] = v;
  EXPECT_EQ(volumes["serving-cert"]["secret"]["secretName"], "paymesh-webhook-tls");
  EXPECT_EQ(volumes["mesh-config"]["configMap"]["name"], "paymesh-mesh-config");
  const Json& secret = r.get("Secret", "paymesh-webhook-tls");
  EXPECT_EQ(secret["type"], "kubernetes.io/tls");
  std::set<std::string> args(c["args"].begin(), c["args"].end());
  EXPECT_TRUE(args.count("--cert-dir=/etc/paymesh/webhook-tls"));
  EXPECT_TRUE(args.count("--mesh-config=/etc/paymesh/mesh/mesh.yaml"));
  EXPECT_TRUE(args.count("--port=9443"));
  std::map<std::string, std::string> mounts;
  for (const auto& m : c["volumeMounts"]) mounts[m["name"]] = m["mountPath"];
  EXPECT_EQ(mounts["serving-cert"], "/etc/paymesh/webhook-tls");
  EXPECT_EQ(mounts["mesh-config"], "/etc/paymesh/mesh");
}

// all-knobs.yaml sets every knob; each one shows up where it belongs, per Deployment.
TEST(ChartKnobsTest, EveryKnobReachesItsDeployment) {
  auto values = model::readManifests(kValuesDir + "all-knobs.yaml");
  ASSERT_TRUE(values.isOk()) << values.status().message();
  const Json v = (*values)[0].doc.value;
  Rendered r = render({"all-knobs.yaml"});
  const Json& op = r.get("Deployment", "payments-mesh-operator");
  const Json& wh = r.get("Deployment", "payments-mesh-webhook");
  EXPECT_EQ(container(op)["image"],
            "registry.example.com/paymesh/operator@" + v["operator"]["image"].value("digest", ""));
  EXPECT_EQ(container(wh)["image"], "registry.example.com/paymesh/webhook:0.1.0-rc3");
  EXPECT_EQ(container(op)["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(container(wh)["imagePullPolicy"], "Never");
  for (const auto& [d, part] : std::vector<std::pair<const Json*, std::string>>{{&op, "operator"}, {&wh, "webhook"}}) {
    SCOPED_TRACE(part);
    const Json& want = v[part];
    const Json& spec = podSpec(*d);
    EXPECT_EQ((*d)["spec"]["replicas"], want["replicas"]);
    EXPECT_EQ(spec["imagePullSecrets"], want["imagePullSecrets"]);
    EXPECT_EQ(spec["priorityClassName"], want["priorityClassName"]);
    EXPECT_EQ(spec["securityContext"], want["podSecurityContext"]);
    EXPECT_EQ(spec["nodeSelector"], want["nodeSelector"]);
    EXPECT_EQ(spec["tolerations"], want["tolerations"]);
    EXPECT_EQ(spec["affinity"], want["affinity"]);
    EXPECT_EQ(container(*d)["resources"], want["resources"]);
    std::set<std::string> args(container(*d)["args"].begin(), container(*d)["args"].end());
    EXPECT_TRUE(args.count("--log-format=" + want.value("logFormat", ""))) << container(*d)["args"];
    EXPECT_TRUE(args.count("--log-level=" + want.value("logLevel", ""))) << container(*d)["args"];
  }
  EXPECT_EQ(podSpec(wh)["topologySpreadConstraints"], v["webhook"]["topologySpreadConstraints"]);
  std::set<std::string> op_args(container(op)["args"].begin(), container(op)["args"].end());
  EXPECT_TRUE(op_args.count("--workers=8"));
  std::set<std::string> wh_args(container(wh)["args"].begin(), container(wh)["args"].end());
  EXPECT_TRUE(wh_args.count("--port=10250"));
  EXPECT_EQ(container(wh)["ports"][0]["containerPort"], 10250);
  EXPECT_EQ(r.get("PodDisruptionBudget", "payments-mesh-webhook")["spec"]["minAvailable"], "50%");
  const Json& hook = r.get("MutatingWebhookConfiguration", "payments-mesh-sidecar-injector")["webhooks"][0];
  EXPECT_EQ(hook["timeoutSeconds"], 10);
  EXPECT_EQ(hook["reinvocationPolicy"], "Never");
  EXPECT_EQ(hook["namespaceSelector"]["matchLabels"], (Json{{"payments.example.com/mesh", "on"}}));
  for (const auto& o : r.objects) EXPECT_EQ(o.value["metadata"]["labels"]["app.kubernetes.io/name"], "mesh");
}

TEST(ChartKnobsTest, TopLevelImageAndPullSecretsApplyToBoth) {
  Rendered digest = render({"image-digest.yaml"}, {"imagePullSecrets[0].name=shared"});
  for (const char* d : {"paymesh-operator", "paymesh-webhook"}) {
    const Json& deploy = digest.get("Deployment", d);
    EXPECT_EQ(container(deploy)["image"],
              "registry.example.com/paymesh@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")
        << d;
    EXPECT_EQ(podSpec(deploy)["imagePullSecrets"], Json::parse(R"([{"name": "shared"}])")) << d;
  }
  Rendered defaults = render();
  auto chart = model::readManifests(kChartDir + "/Chart.yaml");
  ASSERT_TRUE(chart.isOk());
  for (const char* d : {"paymesh-operator", "paymesh-webhook"}) {
    const Json& deploy = defaults.get("Deployment", d);
    EXPECT_EQ(container(deploy)["image"], "ghcr.io/paymesh/paymesh:" + (*chart)[0].doc.value.value("appVersion", ""));
    EXPECT_FALSE(podSpec(deploy).contains("imagePullSecrets"));
    EXPECT_FALSE(podSpec(deploy).contains("priorityClassName"));
  }
}

// Knobs whose value is a whole Kubernetes structure, compared as one.
const std::set<std::string> kStructKnobs = {"resources", "podSecurityContext"};

// Leaf paths of a values tree; empty maps and lists count as leaves.
void leaves(const Json& v, const std::string& path, std::map<std::string, Json>& out) {
  std::string last = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  if (v.is_object() && !v.empty() && !kStructKnobs.count(last)) {
    for (const auto& [k, x] : v.items()) leaves(x, path.empty() ? k : path + "." + k, out);
  } else {
    out[path] = v;
  }
}

TEST(ChartKnobsTest, AllKnobsSetsEveryValueOtherThanItsDefault) {
  auto defaults = model::readManifests(kChartDir + "/values.yaml");
  auto knobs = model::readManifests(kValuesDir + "all-knobs.yaml");
  ASSERT_TRUE(defaults.isOk() && knobs.isOk());
  std::map<std::string, Json> d, k;
  leaves((*defaults)[0].doc.value, "", d);
  leaves((*knobs)[0].doc.value, "", k);
  for (const auto& [path, value] : d) {
    if (path.rfind("meshConfig.", 0) == 0) continue;  // every mesh field: values_schema_test
    // An empty digest beside a set tag is the tag's own case.
    if (path.ends_with(".digest") && k.count(path) && k[path] == "" && k.count(path.substr(0, path.size() - 6) + "tag"))
      continue;
    bool covered = false;
    for (const auto& [kp, kv] : k)
      if ((kp == path || kp.rfind(path + ".", 0) == 0 || kp.rfind(path + "[", 0) == 0) && kv != value) covered = true;
    EXPECT_TRUE(covered) << "tests/charts/values/all-knobs.yaml does not change " << path;
  }
}

}  // namespace
}  // namespace paymesh::testing
