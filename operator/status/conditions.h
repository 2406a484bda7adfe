#pragma once
// The status of a PaymentService from what one reconcile pass observed. Pure: the
// caller passes the previous status (to keep lastTransitionTime when nothing flipped)
// and the time. Written once per pass, only when it differs.

#include <string>
#include <vector>

#include "model/payment_service.h"

namespace paymesh::ctrl {

inline constexpr const char* kReady = "Ready";
inline constexpr const char* kRingReady = "RingReady";
inline constexpr const char* kConfigReady = "ConfigReady";
inline constexpr const char* kCertificateReady = "CertificateReady";
inline constexpr const char* kDependenciesResolved = "DependenciesResolved";
// The reason of ConfigReady, CertificateReady and Ready when an object paymesh does not
// own holds the name of a child (operator/desired/ownership.h).
inline constexpr const char* kChildNameTaken = "ChildNameTaken";
// ConfigReady's reason when the rendered ConfigMap is over Kubernetes' size limit
// (object_limits.h), and when the API server refused to store it.
inline constexpr const char* kConfigTooLarge = "ConfigTooLarge";
inline constexpr const char* kConfigRefused = "ConfigRefused";

struct Observed {
  int64_t generation = 0;
  // Sidecar configuration: rendered and written (or already up to date)?
  bool config_ok = false;
  std::string config_error;   // render or write failure
  std::string config_reason;  // ConfigReady's reason when it failed (default RenderFailed)
  std::string config_hash;
  // Not written: the hash of paymesh's ConfigMap still in place (empty: none, or not known;
  // then the previous status's configHash stands).
  std::string config_hash_in_place;
  std::vector<std::string> missing;            // dependencies or fallbacks not found
  std::vector<std::string> without_endpoints;  // services rendered with no endpoint
  std::vector<std::string> notes;
  // Ring: whether the service balances by consistent hash, its checksum when published.
  bool uses_ring = false;
  std::string ring_checksum;
  int64_t endpoints = 0;  // ready endpoints of the service itself
  // Certificate.
  bool certificate_ok = false;
  std::string certificate_error;
  std::string certificate_reason;             // CertificateReady's reason when it failed (default IssueFailed)
  std::string certificate_not_after;          // RFC 3339
  std::string mounted_certificate_not_after;  // RFC 3339: see model::PaymentServiceStatus
};

// The ConfigMap, or the TLS Secret, was not written: an object paymesh does not own holds
// its name (`message` names it and says why). What was rendered or issued for it is not
// reported as in force.
void configNameTaken(Observed& observed, const std::string& message);
void certificateNameTaken(Observed& observed, const std::string& message);
// The API server refused to store the ConfigMap (`message`: its answer).
void configRefused(Observed& observed, const std::string& message);

// Ready is True when ConfigReady, CertificateReady and DependenciesResolved are; a
// service without endpoints is Ready (its callers' configs are in place) with
// RingReady False when it balances by consistent hash. A child name taken makes Ready
// False with reason ChildNameTaken, naming every object in the way.
model::PaymentServiceStatus computeStatus(const Observed& observed, const model::PaymentServiceStatus& previous,
                                          const std::string& now_rfc3339);

// A condition that changed status between two statuses, worth an Event.
struct Transition {
  std::string type;    // condition type
  std::string status;  // new status
  std::string reason;
  std::string message;
  bool warning = false;  // an Event of type Warning rather than Normal
};
std::vector<Transition> transitions(const model::PaymentServiceStatus& previous,
                                    const model::PaymentServiceStatus& next);

}  // namespace paymesh::ctrl
