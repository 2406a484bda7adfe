#pragma once
// How an emulator is set up: history, tokens, seeds, webhook calls, namespace
// finalization, the request and write logs, kube-apiserver's request body limit.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace paymesh::emulator {

// Calls a mutating webhook: POSTs `review` to `url` over HTTPS trusting only `ca_bundle_pem`,
// and returns the AdmissionReview the webhook answered, or an error message.
struct WebhookResult {
  nlohmann::json review;
  std::string error;
};
// `server_name`, when set, is the name the certificate must carry (a service reference is
// dialled at its mapped address but verified as <name>.<namespace>.svc, as kube-apiserver does).
using WebhookCaller =
    std::function<WebhookResult(const std::string& url, const std::string& ca_bundle_pem, std::chrono::seconds timeout,
                                const nlohmann::json& review, const std::string& server_name)>;

struct Options {
  size_t history = 1000;  // watch events kept; a watch from an older resourceVersion gets 410
  std::chrono::milliseconds bookmark_interval{1000};
  std::string token;                           // when set, every request must carry "Authorization: Bearer <token>"
  std::string readonly_token;                  // accepted for reads; writes get 403 Forbidden
  uint64_t seed = 42;                          // uids and generateName suffixes
  std::string server_address = "127.0.0.1:0";  // advertised in /api
  WebhookCaller webhook_caller;                // unset: webhooks are not called
  // Service references in webhook clientConfig resolve to https://<host>:<port>/<path> through
  // this map, keyed "name.namespace"; unmapped services fail the call.
  std::map<std::string, std::string> service_hosts;
  // How long a deleted namespace stays Terminating before its contents and itself go.
  std::chrono::milliseconds namespace_finalize_delay{200};
  // Keep the authorization attributes of every resource request (see ApiServer::requests()).
  bool record_requests = false;
  // Keep every write served, in order, with its answer (see ApiServer::writes()).
  bool record_writes = false;
  // kube-apiserver's --max-request-body-bytes default: a write with a larger body gets 413.
  size_t max_request_body_bytes = 3 * 1024 * 1024;
};

}  // namespace paymesh::emulator
