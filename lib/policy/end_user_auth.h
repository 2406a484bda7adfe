#pragma once
// End-user tokens on the inbound side: the jwt_authn filter of one HTTP port (its
// providers and its ordered rules), the clusters through which the sidecar fetches a
// remote JWKS, and the RBAC principal that demands spec.authorization.requiredClaims of a
// verified token.
//
// A local JWKS (ConfigMap or Secret) is carried inline in the listener: Envoy reads a
// local_jwks data source once, when the filter is created, so only a listener whose own
// content changes picks up rotated keys (the operator re-renders it when they rotate).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/payment_service.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// The JWKS text of every provider with a local source, by provider name.
using LocalJwks = std::map<std::string, std::string>;

// The public CA bundle of the sidecar image: what verifies an issuer's HTTPS certificate
// when the sidecar fetches a remote JWKS. Part of the image, so it never changes in a pod.
inline constexpr const char* kPublicCaBundle = "/etc/ssl/certs/ca-certificates.crt";

// The dynamic metadata namespace jwt_authn writes a verified payload into.
inline constexpr const char* kJwtMetadataNamespace = "envoy.filters.http.jwt_authn";

inline std::string jwksCluster(const std::string& provider) { return "jwks|" + provider; }

// envoy.filters.http.jwt_authn for requests on `port`: its rules are
// model::rulesForPort's, in order. Fails when a local provider has no JWKS in `jwks`.
Result<Json> jwtAuthnFilter(const model::PaymentService& self, const model::Port& port, const LocalJwks& jwks);

// One STRICT_DNS cluster per remote provider, HTTPS to the JWKS URI's host (SNI and
// the certificate's DNS name checked against kPublicCaBundle).
Json jwksClusters(const model::PaymentService& self);

// A principal matching requests whose verified token (from any of the service's
// providers) carries every required claim; null when none is required.
Json requiredClaimsPrincipal(const model::PaymentService& self);

}  // namespace paymesh::policy
