#include "operator/desired/webhook_cert.h"

#include <algorithm>

#include "operator/desired/children.h"
#include "pki/issue.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {

WebhookCertPlan planWebhookCertificate(const model::MeshConfig& mesh, const nlohmann::json* secret,
                                       const pki::CertificateAuthority& ca, const pki::TrustBundle& bundle,
                                       pki::TimePoint now) {
  WebhookCertPlan plan;
  auto issue = [&](std::string why) {
    plan.issue = true;
    plan.reason = std::move(why);
    return plan;
  };
  if (secret == nullptr) return issue("missing");
  auto material = pki::readTlsSecret(*secret);
  if (!material.isOk()) return issue("unreadable: " + material.status().message());
  auto spec = pki::webhookLeafSpec(mesh.webhook.service_name, mesh.webhook.namespace_,
                                   std::chrono::duration_cast<std::chrono::seconds>(kWebhookCertDuration));
  if (!spec.isOk()) return issue("invalid webhook names: " + spec.status().message());
  auto names = material->leaf().dnsNames();
  auto want = spec->dns_names;
  std::sort(names.begin(), names.end());
  std::sort(want.begin(), want.end());
  if (names != want) return issue("DNS names changed");
  auto decision = pki::decideCertificateRenewal(material->leaf(), std::nullopt, now, &ca.certificate());
  if (decision.renew) return issue(decision.reason);
  plan.next_check = decision.next_check;
  if (material->bundle.toPem() != bundle.toPem()) {
    plan.update_bundle = true;
    plan.reason = "trust bundle changed";
  }
  return plan;
}

nlohmann::json webhookSecretObject(const model::MeshConfig& mesh, const pki::TlsSecretContent& content) {
  nlohmann::json out = pki::tlsSecretData(content);
  out["apiVersion"] = "v1";
  out["kind"] = "Secret";
  out["metadata"] = operatorSecretMetadata(mesh.webhook.namespace_, mesh.webhook.secret_name, kRoleWebhookServing);
  return out;
}

Result<nlohmann::json> issueWebhookSecret(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca,
                                          const pki::TrustBundle& bundle, pki::TimePoint now) {
  ASSIGN_OR_RETURN(auto spec,
                   pki::webhookLeafSpec(mesh.webhook.service_name, mesh.webhook.namespace_,
                                        std::chrono::duration_cast<std::chrono::seconds>(kWebhookCertDuration)));
  ASSIGN_OR_RETURN(auto issued, pki::issueCertificate(ca, spec, now));
  ASSIGN_OR_RETURN(auto content, pki::tlsSecretContent(issued, bundle));
  return webhookSecretObject(mesh, content);
}

std::optional<nlohmann::json> caBundlePatch(const nlohmann::json& configuration, const std::string& ca_bundle) {
  // Read without throwing (the configuration is whatever the cluster holds), and only ops
  // that apply: a webhook that is not an object, or whose clientConfig is not one, is left
  // alone; a missing clientConfig is added whole (adding under it would fail).
  nlohmann::json ops = nlohmann::json::array();
  auto hooks = configuration.is_object() ? configuration.find("webhooks") : configuration.end();
  if (!configuration.is_object() || hooks == configuration.end() || !hooks->is_array()) return std::nullopt;
  for (size_t i = 0; i < hooks->size(); ++i) {
    const nlohmann::json& hook = (*hooks)[i];
    if (!hook.is_object()) continue;
    const std::string at = "/webhooks/" + std::to_string(i) + "/clientConfig";
    auto cc = hook.find("clientConfig");
    if (cc == hook.end() || cc->is_null()) {
      ops.push_back({{"op", "add"}, {"path", at}, {"value", {{"caBundle", ca_bundle}}}});
      continue;
    }
    if (!cc->is_object()) continue;
    auto have = cc->find("caBundle");
    if (have != cc->end() && have->is_string() && *have == ca_bundle) continue;
    ops.push_back({{"op", have != cc->end() ? "replace" : "add"}, {"path", at + "/caBundle"}, {"value", ca_bundle}});
  }
  if (ops.empty()) return std::nullopt;
  return ops;
}

}  // namespace paymesh::ctrl
