#pragma once
// The objects a PaymentService owns (ConfigMap <name>-paymesh, Secret <name>-paymesh-tls)
// and whether what the cluster holds already equals what is desired, so a pass writes
// only when content differs. Pure.

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "pki/authority.h"
#include "pki/tls_secret.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "paymesh";
// The informer cache keeps a ConfigMap's data as this digest (policy::configHash over
// the data), not the files themselves: at 1,000 services the rings alone would be
// hundreds of MiB.
inline constexpr const char* kDataHashField = "x-paymesh-data-hash";

// The controller owner reference to a PaymentService (deleting it deletes its children).
Json ownerReference(const model::PaymentService& service);

// Cache trimmer for ConfigMaps: drops managedFields and replaces data by its digest.
void trimConfigMap(Json& object);

// Whether a ConfigMap as cached (trimmed) matches the desired one: same data digest,
// the desired labels and annotations present with the same values, same owners.
bool configMapUpToDate(const Json& desired, const Json& cached_trimmed);

// The object to write: the desired ConfigMap or Secret, keeping the labels and
// annotations others added to the current one and its resourceVersion (so a stale
// write is a Conflict and is retried from fresh state).
Json mergeForUpdate(const Json& desired, const Json& current);

// A renewal leaves the replaced certificate's expiry and the time of the swap on the new
// Secret: until the kubelet has had time to mount the new files, a sidecar may still
// present the old certificate, and the operator still has to count with its expiry.
inline constexpr const char* kReplacedNotAfterAnnotation = "paymesh.io/replaced-certificate-not-after";
inline constexpr const char* kReplacedAtAnnotation = "paymesh.io/certificate-replaced-at";
struct ReplacedCertificate {
  pki::TimePoint not_after;
  pki::TimePoint replaced_at;
};
// From the annotations of a Secret (nullopt when absent or unreadable).
std::optional<ReplacedCertificate> replacedCertificate(const Json& secret);

// The TLS Secret of a service around issued material, noting the certificate it replaces.
Json tlsSecretObject(const model::PaymentService& service, const pki::TlsSecretContent& content,
                     const std::optional<ReplacedCertificate>& replaced = std::nullopt);

// The earliest expiry a sidecar of the service may present at `now`: the current
// certificate's, or the replaced one's while a mount may still hold it (for
// `propagation_delay` after the swap: the mesh's ca.secretPropagationDelay).
struct MountedExpiry {
  pki::TimePoint not_after;
  std::optional<pki::TimePoint> changes_at;  // when the view moves to the current certificate
};
MountedExpiry mountedExpiry(pki::TimePoint current_not_after, const std::optional<ReplacedCertificate>& replaced,
                            std::chrono::seconds propagation_delay, pki::TimePoint now);

// The certificate identity of a service's workloads.
pki::WorkloadIdentity workloadIdentity(const model::PaymentService& service, const model::MeshConfig& mesh);

// `secret` with data.ca.crt set to the bundle (its certificate and key untouched).
Json withTrustBundle(Json secret, const pki::TrustBundle& bundle);

// What to do about a service's TLS Secret at `now`. kUpdate keeps the certificate and its
// key and rewrites what is around them: the trust bundle (a CA added or removed during a
// rotation needs no new key), the labels, the owner.
struct CertificatePlan {
  enum class Action { kNone, kIssue, kUpdate } action = Action::kNone;
  std::string reason;           // why: "missing", "due", "identity changed", "trust bundle changed", "metadata", ...
  pki::TimePoint not_after{};   // of the current certificate (when kept)
  pki::TimePoint next_check{};  // when to look again (the renewal time) when kept
  pki::TimePoint mounted_not_after{};                // mountedExpiry() of the kept certificate
  std::optional<pki::TimePoint> previous_not_after;  // kIssue over a readable certificate: its expiry
};
CertificatePlan planCertificate(const model::PaymentService& service, const model::MeshConfig& mesh,
                                const Json* current_secret, const pki::CertificateAuthority& ca,
                                const pki::TrustBundle& bundle, pki::TimePoint now);

// The plan for a certificate just issued (or known good): keep it, look again at its
// renewal time, or when the mounted view changes if that is sooner. Spares re-reading
// the Secret that was just built from it.
CertificatePlan keepCertificate(const model::PaymentService& service, const model::MeshConfig& mesh,
                                const pki::Certificate& leaf, const std::optional<ReplacedCertificate>& replaced,
                                const pki::CertificateAuthority& ca, pki::TimePoint now);

// The requeue delay for a renewal due at `next_check`: at least 1 s, never negative.
std::chrono::milliseconds requeueDelay(pki::TimePoint next_check, pki::TimePoint now);

}  // namespace paymesh::ctrl
