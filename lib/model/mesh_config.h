#pragma once
// Mesh-wide settings: a YAML file that Helm mounts from a ConfigMap into the operator
// and the webhook. Parsed and validated with the same schema machinery as the CRD.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/field_path.h"
#include "model/payment_service.h"
#include "model/schema.h"

namespace paymesh::model {

struct MeshConfig {
  std::string trust_domain = "cluster.local";
  int32_t inbound_port = 15443;    // the sidecar's mTLS listener
  int32_t admin_port = 15000;      // Envoy admin, on 127.0.0.1 only
  int32_t stats_port = 15090;      // Prometheus scrape port
  int32_t readiness_port = 15021;  // sidecar readiness
  std::string idempotency_header = "idempotency-key";

  struct Ca {
    std::string secret_name = "paymesh-ca";
    std::string namespace_ = "paymesh-system";
    bool existing = false;  // true: the Secret is managed elsewhere and must exist
    KeyAlgorithm key_algorithm = KeyAlgorithm::kEcdsaP256;
    Nanos duration = std::chrono::hours(87600);
    Nanos rotation_overlap = std::chrono::hours(48);
    // Kubelet sync period plus Secret cache TTL (Kubernetes defaults: 1m + 1m): after a
    // renewal, the replaced certificate counts as possibly mounted for this long.
    Nanos secret_propagation_delay = std::chrono::minutes(2);
  } ca;

  // How the sidecar joins a pod: as a native sidecar (an init container with
  // restartPolicy: Always, started before and stopped after the app; Kubernetes 1.29+)
  // or as a classic container next to the app's.
  enum class SidecarMode { kNative, kClassic };
  // What the webhook does with a pod no PaymentService selects.
  enum class UnselectedPods { kRefuse, kAdmit };

  struct Sidecar {
    SidecarMode mode = SidecarMode::kNative;
    std::string image = "envoyproxy/envoy:v1.31.2";
    std::string image_pull_policy = "IfNotPresent";
    std::string cpu_request = "100m";
    std::string memory_request = "128Mi";
    std::string memory_limit = "256Mi";
    std::optional<std::string> cpu_limit;  // unset: no CPU limit (a limit throttles the data path)
    std::string log_level = "warn";
    int32_t concurrency = 2;
    int64_t run_as_user = 1337;
    int64_t run_as_group = 1337;    // also the pod's fsGroup when it sets none (the key is 0440)
    std::vector<std::string> args;  // appended to Envoy's command line
  } sidecar;

  struct Injection {
    std::map<std::string, std::string> namespace_selector = {{"paymesh.io/injection", "enabled"}};
    std::string pod_annotation = "paymesh.io/inject";  // "false" on the pod opts it out
    UnselectedPods unselected_pods = UnselectedPods::kRefuse;
  } injection;

  struct Webhook {
    std::string service_name = "paymesh-webhook";
    std::string namespace_ = "paymesh-system";
    std::string secret_name = "paymesh-webhook-tls";
    std::string configuration_name = "paymesh-sidecar-injector";
  } webhook;

  // The file's contents after defaulting, for round trips.
  nlohmann::json raw;
};

const Schema& meshConfigSchema();

// Errors name the field path; an empty document yields all defaults.
struct MeshConfigResult {
  std::optional<MeshConfig> config;
  std::vector<FieldError> errors;
};
MeshConfigResult parseMeshConfig(const nlohmann::json& value);

// Reads and parses a mesh-config YAML file; errors are "FILE:LINE: path: message".
Result<MeshConfig> loadMeshConfig(const std::string& path);

}  // namespace paymesh::model
