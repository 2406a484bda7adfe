#pragma once
// Leaf certificates: workload (SPIFFE X.509-SVID with the Service's DNS names) and the
// webhook serving certificate. Every leaf gets a fresh key.

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "pki/authority.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/rotation.h"

namespace paymesh::pki {

// notBefore is set this far before `now`, so peers whose clocks lag accept the
// certificate at once.
inline constexpr std::chrono::seconds kClockSkewAllowance = std::chrono::minutes(5);
inline constexpr std::chrono::seconds kMaxLeafDuration = std::chrono::hours(24 * 366);

struct LeafSpec {
  std::string common_name;  // optional
  std::vector<std::string> uris;
  std::vector<std::string> dns_names;
  std::chrono::seconds duration = std::chrono::hours(24);
  KeyAlgorithm key_algorithm = KeyAlgorithm::kEcdsaP256;
  bool server_auth = true;
  bool client_auth = true;
};

struct IssuedCertificate {
  Certificate certificate;
  PrivateKey key;
  std::vector<Certificate> chain;  // what follows the leaf in tls.crt
  // tls.crt: the leaf, then the chain.
  std::string certificateChainPem() const;
};

struct WorkloadIdentity {
  std::string trust_domain;
  std::string ns;
  std::string service_account;
  std::string service;  // the Service name, for the DNS SANs
};

// URI SAN spiffe://<td>/ns/<ns>/sa/<sa>; DNS SANs <svc>.<ns>.svc and
// <svc>.<ns>.svc.cluster.local; serverAuth + clientAuth. Pure; validates the identity.
Result<LeafSpec> workloadLeafSpec(const WorkloadIdentity& id, std::chrono::seconds duration, KeyAlgorithm algorithm);

// The webhook serving certificate: DNS SANs <svc>, <svc>.<ns>, <svc>.<ns>.svc and
// <svc>.<ns>.svc.cluster.local; serverAuth only. Pure.
Result<LeafSpec> webhookLeafSpec(const std::string& service, const std::string& ns, std::chrono::seconds duration);

// Checks names, durations and SANs of a spec without issuing.
Status validateLeafSpec(const LeafSpec& spec);

// Generates a fresh key and signs a leaf for it. notBefore = now - kClockSkewAllowance,
// notAfter = now + duration, cut to the CA's notAfter (a leaf never outlives its CA).
Result<IssuedCertificate> issueCertificate(const CertificateAuthority& ca, const LeafSpec& spec, TimePoint now);

// As issueCertificate, with a key the caller generated (for tests and benchmarks that
// separate key generation from signing).
Result<IssuedCertificate> signCertificate(const CertificateAuthority& ca, const LeafSpec& spec, PrivateKey key,
                                          TimePoint now);

// decideRenewal on an issued certificate's validity. With signing_ca, a certificate that
// CA did not sign (the CA was switched) is renewed at once, and one cut to that CA's
// notAfter is not renewed while it is valid: a new one would end at the same moment, so
// it is renewed when the CA rotates (reason "capped by its CA"; next_check its expiry).
// Else a CA with less life left than renewBefore would get a leaf due at birth, reissued
// on every pass.
RenewalDecision decideCertificateRenewal(const Certificate& cert, std::optional<std::chrono::seconds> renew_before,
                                         TimePoint now, const Certificate* signing_ca = nullptr);

}  // namespace paymesh::pki
