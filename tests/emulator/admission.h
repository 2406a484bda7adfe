#pragma once
// Mutating admission as kube-apiserver runs it for pod CREATE: every webhook of every
// MutatingWebhookConfiguration whose rules, namespaceSelector and objectSelector match is
// called in order with an admission.k8s.io/v1 AdmissionReview; each sees the previous one's
// patch. A denial rejects the create with the webhook's code; a failed call rejects it with
// 500 under failurePolicy Fail and is skipped under Ignore. On a dry run a webhook whose
// sideEffects is not None or NoneOnDryRun rejects the request (400), as kube-apiserver does. Free of locks: the caller
// hands in copies of the configurations and the namespace and calls without holding the store.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"
#include "emulator/options.h"

namespace paymesh::emulator {

struct AdmissionRequest {
  std::vector<nlohmann::json> configurations;  // MutatingWebhookConfiguration objects
  nlohmann::json namespace_object;             // the pod's namespace ({} when unknown)
  std::string uid;                             // AdmissionReview request uid
  bool dry_run = false;                        // a dryRun=All create: only side-effect-free webhooks run
};

// Runs the webhooks over `pod`, patching it in place; the rejection to answer, if any.
std::optional<HttpResponse> admitPodCreate(const AdmissionRequest& request, nlohmann::json& pod,
                                           const WebhookCaller& caller,
                                           const std::map<std::string, std::string>& service_hosts);

}  // namespace paymesh::emulator
