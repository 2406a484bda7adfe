#pragma once
// Whether a rendered sidecar configuration stays right over the pod's whole life. Envoy
// reads the bootstrap once; everything after it must come from config sources that watch
// the ConfigMap mount, and every certificate, key and CA from SDS resources that name the
// Secret mount and watch it. A TLS context that names a file or carries bytes itself is
// read once, when the listener or cluster is created, and would keep serving what it read
// long after the Secret was renewed.
//
// Checked on the ConfigMap's files as Envoy would read them in the pod:
// - no TLS context has a static certificate, key or CA (tls_certificates,
//   validation_context, a trusted_ca in a combined context, or any filename or inline
//   bytes under a transport socket): only SDS references with a watched file source;
// - every SDS reference names a file of the ConfigMap that holds exactly one secret of
//   that name;
// - SDS secrets name files of the Secret mount and watch the Secret mount's directory,
//   and carry no inline bytes (no key material in a ConfigMap);
// - every config source is a path_config_source on a file of the ConfigMap, watching the
//   ConfigMap mount (no xDS server exists, no unwatched path);
// - the bootstrap holds no static secrets;
// - a local JWKS is carried inline (a local_jwks file is read once, when the filter is
//   created), and a cluster to a remote JWKS verifies the issuer against the image's
//   public CA bundle, the one file a TLS context may name (it never changes in a pod).

#include <map>
#include <string>
#include <vector>

namespace paymesh::policy {

// "<file>: <field path>: <problem>" per problem, in file order; empty when none.
std::vector<std::string> reloadProblems(const std::map<std::string, std::string>& files);

}  // namespace paymesh::policy
