#pragma once
// The webhook's serving certificate and the caBundle of the
// paymesh-sidecar-injector MutatingWebhookConfiguration. Pure.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/mesh_config.h"
#include "pki/authority.h"
#include "pki/tls_secret.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctrl {

inline constexpr std::chrono::hours kWebhookCertDuration{24 * 90};

// Whether the webhook Secret must be (re)issued at `now`: absent, unreadable, for other
// DNS names, signed by another CA, or due. When kept, `next_check` is its renewal time,
// and `update_bundle` says its ca.crt is not the trust bundle (rewritten, same key).
struct WebhookCertPlan {
  bool issue = false;
  bool update_bundle = false;
  std::string reason;
  pki::TimePoint next_check{};
};
WebhookCertPlan planWebhookCertificate(const model::MeshConfig& mesh, const nlohmann::json* secret,
                                       const pki::CertificateAuthority& ca, const pki::TrustBundle& bundle,
                                       pki::TimePoint now);

// The webhook's serving Secret around issued material.
nlohmann::json webhookSecretObject(const model::MeshConfig& mesh, const pki::TlsSecretContent& content);

// A fresh key and serving certificate for the webhook Service's DNS names, signed by
// `ca`, as its Secret with `bundle` as ca.crt.
Result<nlohmann::json> issueWebhookSecret(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca,
                                          const pki::TrustBundle& bundle, pki::TimePoint now);

// The JSON patch that sets every webhook's clientConfig.caBundle to `ca_bundle`
// (base64 PEM), or nullopt when all already hold it.
std::optional<nlohmann::json> caBundlePatch(const nlohmann::json& configuration, const std::string& ca_bundle);

}  // namespace paymesh::ctrl
