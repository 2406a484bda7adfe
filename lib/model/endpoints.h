#pragma once
// The endpoints of a PaymentService, read from Pods or EndpointSlices: what the
// sidecar configuration and the discovery ring are built over.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/payment_service.h"

namespace paymesh::model {

inline constexpr const char* kWeightAnnotation = "paymesh.io/weight";
inline constexpr const char* kServiceLabel = "paymesh.io/service";
inline constexpr uint32_t kMaxEndpointWeight = 128;

struct ServiceEndpoint {
  std::string pod_name;  // the stable hash key
  std::string ip;
  uint32_t weight = 1;
  bool ready = false;
  bool operator==(const ServiceEndpoint&) const = default;
};

// A pod's endpoint: its IP, Ready condition, name and weight annotation. A pod without
// an IP yet (pending) yields nullopt; a malformed weight is an error naming the pod.
Result<std::optional<ServiceEndpoint>> endpointFromPod(const nlohmann::json& pod);

// The endpoints of an EndpointSlice (targetRef pod name as hash key; weight 1).
Result<std::vector<ServiceEndpoint>> endpointsFromSlice(const nlohmann::json& slice);

// Whether every selector label is on the object.
bool selectorMatches(const std::map<std::string, std::string>& selector, const nlohmann::json& labels);

// Whether a pod is one of a service's: in its namespace, labels matching its selector.
bool selectsPod(const PaymentService& service, const nlohmann::json& pod);

// The endpoints of `service` among `pods` (those it selects that have an IP, Ready or
// not); a malformed pod is left out and named in `errors` ("pod ns/name: ...").
struct PodEndpoints {
  std::vector<ServiceEndpoint> endpoints;
  std::vector<std::string> errors;
};
PodEndpoints endpointsFromPods(const PaymentService& service, const std::vector<const nlohmann::json*>& pods);

// Ready endpoints only, sorted by pod name then IP, duplicates (same pod) removed: the
// canonical list every rendering uses, so input order never matters.
std::vector<ServiceEndpoint> readyEndpoints(std::vector<ServiceEndpoint> endpoints);

}  // namespace paymesh::model
