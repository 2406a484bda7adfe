#pragma once
// What the injector adds to a pod, by name: one home for every name a previous injection
// is recognised by (see strip.h), and the annotation that records what was added.

namespace paymesh::inject {

inline constexpr const char* kProxyContainer = "paymesh-proxy";
inline constexpr const char* kConfigVolume = "paymesh-config";
inline constexpr const char* kTlsVolume = "paymesh-tls";

// JSON: {"version", "image", "mode", "configHash", "env": {container: [names]}, "fsGroup"}.
inline constexpr const char* kInjectedAnnotation = "paymesh.io/injected";

// The injector's version, recorded in the annotation (the project version).
const char* injectorVersion();

// The Secret volume's mode: owner and group read (the group is the pod's fsGroup).
inline constexpr int kTlsFileMode = 0440;
// Where the sidecar's readiness listener answers (forwarded to Envoy's /ready).
inline constexpr const char* kReadinessPath = "/healthz/ready";

}  // namespace paymesh::inject
