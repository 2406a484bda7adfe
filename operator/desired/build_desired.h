#pragma once
// Everything one pass writes for a PaymentService, from what it reads: one pure function
// shared by the operator (which reads from its informer caches) and `paymeshctl render`
// (which reads files), so what the CLI prints and what the operator writes are one
// computation and come out byte for byte the same.
//
//   the service, a view of the services its config reads and of their endpoints, the
//   mesh config and CA, the service's TLS Secret as cached, now
//     -> the ConfigMap <name>-paymesh, the TLS Secret to write (if any), the status.
//
// The children's Kubernetes metadata comes from childMetadata (children.h) only. No
// client, no clock, no environment: issuing a certificate draws a fresh key, nothing else.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/endpoints.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "operator/status/conditions.h"
#include "pki/authority.h"
#include "pki/trust_bundle.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctrl {

// What a pass reads besides the service: the PaymentServices of its namespace by name,
// and the endpoints of one of them (Ready or not; the renderer keeps the Ready ones).
class ServiceView {
public:
  virtual ~ServiceView() = default;
  // Null when there is no such (valid) service in the namespace.
  virtual const model::PaymentService* find(const std::string& name) const = 0;
  virtual std::vector<model::ServiceEndpoint> endpoints(const model::PaymentService& service) const = 0;
  // The ConfigMap or Secret `name` of the namespace a provider's JWKS is read from, or
  // null when there is none (or, in the cluster, it lacks the paymesh.io/jwks label).
  virtual const nlohmann::json* jwksObject(model::JwksSourceKind /*kind*/, const std::string& /*name*/) const {
    return nullptr;
  }
};

// The view over manifests read from files, as `paymeshctl render` reads them: the
// namespace's services and the endpoints policy::collectInputs found (Pods by selector,
// EndpointSlices by their service-name label).
class NamespaceView : public ServiceView {
public:
  explicit NamespaceView(const policy::Namespace& space) : space_(space) {}
  const model::PaymentService* find(const std::string& name) const override;
  std::vector<model::ServiceEndpoint> endpoints(const model::PaymentService& service) const override;
  const nlohmann::json* jwksObject(model::JwksSourceKind kind, const std::string& name) const override;

private:
  const policy::Namespace& space_;
};

// The mesh CA the service's certificate is signed by, and the trust bundle its Secret
// carries as ca.crt.
struct Signer {
  const pki::CertificateAuthority& ca;
  const pki::TrustBundle& bundle;
};

struct DesiredInputs {
  const model::PaymentService& service;
  const ServiceView& view;
  const model::MeshConfig& mesh;
  const Signer* signer = nullptr;          // null: no certificate (paymeshctl)
  const nlohmann::json* secret = nullptr;  // the TLS Secret as cached, or null
  pki::TimePoint now{};
};

struct Desired {
  // The ConfigMap as written, in the key order `paymeshctl render` prints; absent when
  // the configuration did not render (the status says why).
  std::optional<nlohmann::ordered_json> config_map;
  std::string config_hash;           // of the whole configuration (policy::configHash), when rendered
  std::string config_map_data_hash;  // of the first ConfigMap's data: config_hash unless split

  // The endpoint shards (object_limits.h: layOutConfig), policy::kConfigShards of them
  // when the configuration rendered: a ConfigMap for each in use, none for the others
  // (any in place is deleted once the first is written). Empty when it did not render.
  struct Shard {
    std::optional<nlohmann::ordered_json> config_map;
    std::string data_hash;
  };
  std::vector<Shard> config_shards;

  // The TLS Secret to write, when it must be (re)written: a new certificate and key
  // (`issued`), or the current ones with a new ca.crt, labels or owner.
  std::optional<nlohmann::json> secret;
  bool issued = false;
  std::string secret_reason;  // why it is written: "missing", "due", "trust bundle changed", ...

  // The certificate in force after the pass: the earliest expiry a sidecar may still
  // present (CertificatePlan::mounted_not_after), and when to look again.
  std::optional<pki::TimePoint> not_after;
  std::optional<pki::TimePoint> next_check;

  Observed observed;  // what the status below was computed from
  model::PaymentServiceStatus status;
};

Desired buildDesired(const DesiredInputs& in);

// The same for an object whose spec does not parse (the API server's schema should have
// refused it): no children, a status that says why.
Desired buildDesiredForInvalidSpec(int64_t generation, const std::string& errors, pki::TimePoint now);

}  // namespace paymesh::ctrl
