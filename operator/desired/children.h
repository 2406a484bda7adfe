#pragma once
// The objects a PaymentService owns (ConfigMap <name>-paymesh, Secret <name>-paymesh-tls),
// their Kubernetes metadata (built by childMetadata and nowhere else), and whether what
// the cluster holds already equals what is desired, so a pass writes only when content
// differs. Pure (issueTlsSecret draws a fresh key, nothing else).

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
// The operator's own Secrets (no PaymentService owns them) say what they are.
inline constexpr const char* kRoleLabel = "paymesh.io/role";
inline constexpr const char* kRoleMeshCa = "mesh-ca";
inline constexpr const char* kRoleWebhookServing = "webhook-serving";
// The informer cache keeps a ConfigMap's data as this digest (configMapDataHash), not
// the files themselves: at 1,000 services the rings alone would be hundreds of MiB.
inline constexpr const char* kDataHashField = "x-paymesh-data-hash";

// The controller owner reference to a PaymentService (deleting it deletes its children).
nlohmann::ordered_json ownerReference(const model::PaymentService& service);

// The metadata of a child of `service`: name, namespace, the managed-by and service
// labels, `annotations` when given, and the controller owner reference when the service
// has a uid (one read from a file has none). In the order `paymeshctl render` prints.
nlohmann::ordered_json childMetadata(const model::PaymentService& service, const std::string& name,
                                     const nlohmann::ordered_json& annotations = nullptr);

// The metadata of one of the operator's own Secrets (the mesh CA, the webhook's serving
// certificate): name, namespace, the managed-by label and its role.
Json operatorSecretMetadata(const std::string& ns, const std::string& name, const std::string& role);

// Whether a Secret holds a leaf paymesh issued (a workload's or the webhook's), the peers
// a CA rotation waits for.
bool isLeafSecret(const Json& secret);

// The ConfigMap <name>-paymesh holding `files`, annotated with their hash (`config_hash`,
// which is policy::configHash(files), the data digest too).
nlohmann::ordered_json configMapObject(const model::PaymentService& service,
                                       const std::map<std::string, std::string>& files, const std::string& config_hash);

// Endpoint shard n of the service's configuration (<name>-paymesh-eds-<n>): owned and
// labelled as the first, without its config-hash annotation, so that a change elsewhere in
// the configuration does not rewrite it.
nlohmann::ordered_json configShardObject(const model::PaymentService& service, int n,
                                         const std::map<std::string, std::string>& files);

// The digest of a ConfigMap's data (policy::configHash over its files): the one place it
// is computed for an object read back; a desired ConfigMap's is its known config hash.
std::string configMapDataHash(const Json& data);

// The same digest over a ConfigMap's data and its decoded binaryData: the files of its
// mount, as a desired ConfigMap's digest counts them.
std::string configMapFilesHash(const Json& object);
inline constexpr const char* kBinaryData = "binaryData";

// Cache trimmer for ConfigMaps: drops managedFields and replaces data and binaryData by
// their digest.
void trimConfigMap(Json& object);

// Whether a ConfigMap as cached (trimmed) matches the desired one, whose data digest is
// `data_hash`: same digest, the desired labels and annotations present with the same
// values, same owners.
bool configMapUpToDate(const Json& desired, const std::string& data_hash, const Json& cached_trimmed);

// What tells the watch echo of our own write from someone else's change: a SHA-256 over
// everything the operator writes of a child, so that a change to any of it (a replaced
// tls.key, a dropped label, an edited annotation, another owner) is reconciled and
// repaired. It covers the data (a ConfigMap's by its data digest, all the cache keeps; a
// Secret's every key), the type, the labels and annotations the operator sets (the keys
// of `owned`, with the values `object` has, a missing one counting too) and the owner
// references. Labels and annotations others add do not count: a write keeps them.
// `object` is the desired object, or the object as the informer delivers it (trimmed).
enum class ChildKind { kConfigMap, kSecret };
// The labels and annotations a desired child sets: {"labels": {...}, "annotations": {...}}.
Json ownedMetadata(const Json& desired);
std::string echoFingerprint(ChildKind kind, const Json& object, const Json& owned);
// The fingerprint of a desired ConfigMap whose data digest is `data_hash` (its files are
// not hashed again).
std::string configMapFingerprint(const Json& desired, const std::string& data_hash);

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

// A fresh key and workload certificate for `service`, signed by `ca`, as its TLS Secret
// with `bundle` as ca.crt (noting the certificate it replaces); the leaf too, to plan its
// renewal without reading it back.
struct IssuedSecret {
  Json secret;
  pki::Certificate leaf;
};
Result<IssuedSecret> issueTlsSecret(const model::PaymentService& service, const model::MeshConfig& mesh,
                                    const pki::CertificateAuthority& ca, const pki::TrustBundle& bundle,
                                    pki::TimePoint now,
                                    const std::optional<ReplacedCertificate>& replaced = std::nullopt);

// The service's current TLS Secret with `bundle` as ca.crt and its labels and owner as
// childMetadata says (the certificate and key untouched).
Json updatedTlsSecret(const model::PaymentService& service, const Json& current, const pki::TrustBundle& bundle);

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

// What is wrong with a service's certificate timing against the mesh ("" when nothing):
// its renewal lead (renewBefore, else a third of duration) must be longer than
// ca.secretPropagationDelay, or sidecars present an expired certificate until the kubelet
// has mounted the renewed one. Named by field path, with both values.
std::string certificateTimingProblem(const model::PaymentService& service, const model::MeshConfig& mesh);

// The requeue delay for a renewal due at `next_check`: at least 1 s, never negative.
std::chrono::milliseconds requeueDelay(pki::TimePoint next_check, pki::TimePoint now);

}  // namespace paymesh::ctrl
