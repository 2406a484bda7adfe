#include "pki/issue.h"

#include "base/dns_name.h"
#include "base/saturating_time.h"
#include "pki/spiffe.h"
#include "pki/x509_builder.h"

namespace paymesh::pki {

std::string IssuedCertificate::certificateChainPem() const { return certificate.toPem() + toPem(chain); }

Result<LeafSpec> workloadLeafSpec(const WorkloadIdentity& id, std::chrono::seconds duration, KeyAlgorithm algorithm) {
  ASSIGN_OR_RETURN(std::string spiffe, spiffeId(id.trust_domain, id.ns, id.service_account));
  RETURN_IF_ERROR(validateDnsLabel("service", id.service));
  LeafSpec spec;
  spec.uris = {spiffe};
  spec.dns_names = {id.service + "." + id.ns + ".svc", id.service + "." + id.ns + ".svc.cluster.local"};
  spec.duration = duration;
  spec.key_algorithm = algorithm;
  spec.server_auth = true;
  spec.client_auth = true;
  RETURN_IF_ERROR(validateLeafSpec(spec));
  return spec;
}

Result<LeafSpec> webhookLeafSpec(const std::string& service, const std::string& ns, std::chrono::seconds duration) {
  RETURN_IF_ERROR(validateDnsLabel("webhook service", service));
  RETURN_IF_ERROR(validateDnsLabel("webhook namespace", ns));
  LeafSpec spec;
  spec.common_name = service + "." + ns + ".svc";
  spec.dns_names = {service, service + "." + ns, service + "." + ns + ".svc",
                    service + "." + ns + ".svc.cluster.local"};
  spec.duration = duration;
  spec.server_auth = true;
  spec.client_auth = false;
  RETURN_IF_ERROR(validateLeafSpec(spec));
  return spec;
}

Status validateLeafSpec(const LeafSpec& spec) {
  if (spec.duration <= std::chrono::seconds(0)) return invalidArgument("certificate duration must be positive");
  if (spec.duration > kMaxLeafDuration) return invalidArgument("certificate duration must be at most 8784h (366 days)");
  if (spec.uris.empty() && spec.dns_names.empty()) {
    return invalidArgument("certificate needs at least one SAN (a SPIFFE ID or a DNS name)");
  }
  if (spec.common_name.size() > 64) return invalidArgument("certificate common name is longer than 64 characters");
  for (const auto& u : spec.uris) {
    if (auto p = parseSpiffeId(u); !p.isOk()) return p.status();
  }
  for (const auto& d : spec.dns_names) {
    // A leading "*." wildcard label is allowed; the rest must be a DNS-1123 subdomain.
    std::string_view name = d;
    if (name.substr(0, 2) == "*.") name.remove_prefix(2);
    RETURN_IF_ERROR(validateDnsSubdomain("DNS name", name));
  }
  if (!spec.server_auth && !spec.client_auth) return invalidArgument("certificate needs serverAuth or clientAuth");
  return Status::ok();
}

Result<IssuedCertificate> signCertificate(const CertificateAuthority& ca, const LeafSpec& spec, PrivateKey key,
                                          TimePoint now) {
  RETURN_IF_ERROR(validateLeafSpec(spec));
  RETURN_IF_ERROR(validateCaCertificate(ca.certificate(), now));
  internal::CertTemplate tmpl;
  tmpl.common_name = spec.common_name;
  tmpl.dns_names = spec.dns_names;
  tmpl.uris = spec.uris;
  tmpl.not_before = now - kClockSkewAllowance;
  tmpl.not_after = std::min<TimePoint>(saturatingAdd(now, spec.duration), ca.certificate().notAfter());
  tmpl.server_auth = spec.server_auth;
  tmpl.client_auth = spec.client_auth;
  ASSIGN_OR_RETURN(Certificate cert, internal::buildCertificate(tmpl, key.get(), &ca.certificate(), ca.key().get()));
  return IssuedCertificate{std::move(cert), std::move(key), ca.chainForLeaves()};
}

Result<IssuedCertificate> issueCertificate(const CertificateAuthority& ca, const LeafSpec& spec, TimePoint now) {
  RETURN_IF_ERROR(validateLeafSpec(spec));
  ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::generate(spec.key_algorithm));
  return signCertificate(ca, spec, std::move(key), now);
}

RenewalDecision decideCertificateRenewal(const Certificate& cert, std::optional<std::chrono::seconds> renew_before,
                                         TimePoint now, const Certificate* signing_ca) {
  bool by_signer = signing_ca == nullptr || cert.isSignedBy(*signing_ca);
  RenewalDecision d = decideRenewal(cert.notBefore(), cert.notAfter(), renew_before, now, by_signer);
  bool capped = signing_ca != nullptr && by_signer && cert.notAfter() >= signing_ca->notAfter();
  if (d.renew && capped && now < cert.notAfter()) {
    d.renew = false;
    d.reason = "capped by its CA";
    d.next_check = cert.notAfter();
  }
  return d;
}

}  // namespace paymesh::pki
