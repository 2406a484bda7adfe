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
  nlohmann::json ops = nlohmann::json::array();
  const auto& hooks = configuration.value("webhooks", nlohmann::json::array());
  for (size_t i = 0; i < hooks.size(); ++i) {
    const auto& cc = hooks[i].value("clientConfig", nlohmann::json::object());
    if (cc.value("caBundle", "") == ca_bundle) continue;
    std::string path = "/webhooks/" + std::to_string(i) + "/clientConfig/caBundle";
    ops.push_back({{"op", cc.contains("caBundle") ? "replace" : "add"}, {"path", path}, {"value", ca_bundle}});
  }
  if (ops.empty()) return std::nullopt;
  return ops;
}

}  // namespace paymesh::ctrl
