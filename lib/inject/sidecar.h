#pragma once
// The parts injection adds to a pod, as pure functions of the PaymentService and the mesh
// config: the Envoy container, the two volumes it reads, and the app's dependency env.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::inject {

// Envoy (the same for every service: what differs is in its volumes), reading its bootstrap from the service's
// ConfigMap and its certificate from the Secret; admin on 127.0.0.1 only (the bootstrap's), readiness probe on the
// readiness listener, non-root with a read-only root filesystem, no privilege escalation, no capabilities, seccomp
// RuntimeDefault. Native mode adds restartPolicy: Always (an init container that keeps running) and a startup probe, so
// the app starts once Envoy is ready.
nlohmann::json sidecarContainer(const model::MeshConfig& mesh);

// The ConfigMap <svc>-paymesh as a projected volume (more sources can join it later), and
// the Secret <svc>-paymesh-tls with mode 0440: readable by its owner (root) and the pod's
// fsGroup, which the sidecar's group is when the pod sets none.
nlohmann::json configVolume(const model::PaymentService& service);
nlohmann::json tlsVolume(const model::PaymentService& service);

// PAYMESH_<DEPENDENCY>_ADDR = 127.0.0.1:<localPort> for every dependency, in declared order;
// the name upper-cased with '-' as '_'.
std::vector<std::pair<std::string, std::string>> dependencyEnv(const model::PaymentServiceSpec& spec);
std::string dependencyEnvName(const std::string& dependency);

}  // namespace paymesh::inject
