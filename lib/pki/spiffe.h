#pragma once
// SPIFFE IDs (spiffe://<trust domain>/<path>), the one home of their spelling (the
// sidecar configuration, certificates and peer checks all build them here), and the
// peer identity check that every mTLS endpoint runs after chain verification.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/certificate.h"

namespace paymesh::pki {

inline constexpr std::string_view kSpiffeScheme = "spiffe://";

struct SpiffeId {
  std::string trust_domain;
  std::string path;  // "/ns/<ns>/sa/<sa>", or "" for the trust domain itself
  std::string str() const { return std::string(kSpiffeScheme) + trust_domain + path; }
};

// "spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>" from parts already
// validated (the model checks them); spiffeId() below checks them first.
std::string workloadSpiffeId(std::string_view trust_domain, std::string_view ns, std::string_view service_account);
// "spiffe://<trustDomain>/": the prefix every identity of the trust domain starts with.
std::string trustDomainPrefix(std::string_view trust_domain);

// "spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>". The trust domain follows
// the SPIFFE rules (lowercase letters, digits, '.', '-', '_'); the namespace must be a
// DNS-1123 label and the service account a DNS-1123 subdomain, as Kubernetes requires.
Result<std::string> spiffeId(std::string_view trust_domain, std::string_view ns, std::string_view service_account);

// Parses and validates any SPIFFE ID (SPIFFE ID spec, section 2).
Result<SpiffeId> parseSpiffeId(std::string_view id);

Status validateTrustDomain(std::string_view trust_domain);

// The identity check on a verified peer: an X.509-SVID carries exactly one URI SAN,
// which must equal `expected`. Run it after the chain has verified.
Status verifyPeerSpiffeId(const Certificate& peer, std::string_view expected);
// The same, for a server that admits several callers (authorization.allowedCallers).
Status verifyPeerSpiffeId(const Certificate& peer, const std::vector<std::string>& allowed);

}  // namespace paymesh::pki
