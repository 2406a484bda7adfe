#pragma once
// Writes the children of PaymentServices (and the operator's own Secrets) idempotently:
// a ConfigMap only when its cached form differs from the desired one; an update keeps the
// labels and annotations others added and is conditional on the resourceVersion read
// (a stale write is a Conflict, retried from fresh cache state). It remembers a
// fingerprint of each write (echoFingerprint: everything the operator sets, key and
// labels included), taken before the write so that a watch echo arriving before the
// response is recognised too, so the controller does not queue a pass for its own echo
// and does queue one for any change someone else made to what it wrote. A
// PaymentService's child is written only over an object paymesh owns (decideOwnership,
// ownership.h): an orphan is adopted (once a live read confirmed the service is there and
// not being deleted), a foreign object is left alone and returned as the collision to
// report, as is an AlreadyExists on create (an object the label-filtered cache does not
// hold).

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "kube/client.h"
#include "obs/metrics.h"
#include "operator/desired/children.h"
#include "operator/desired/ownership.h"

namespace paymesh::ctrl {

class ChildWriter {
public:
  ChildWriter(kube::Client& client, obs::OperatorMetrics* metrics) : client_(client), metrics_(metrics) {}

  // What an apply of a service's child came to: nullopt when written (or up to date), or
  // the object in the way, nothing written.
  using Collision = std::optional<ChildCollision>;

  // The desired ConfigMap of `owner` (data digest `data_hash`) against its cached, trimmed form.
  Result<Collision> applyConfigMap(const Json& desired, const std::string& data_hash, const Json* cached,
                                   const ChildOwner& owner);
  // The desired TLS Secret of `owner` against the current one (null: created).
  Result<Collision> applyTlsSecret(const Json& desired, const Json* current, const ChildOwner& owner);
  // One of the operator's own Secrets (no PaymentService owns them) against the current one.
  Status applySecret(const Json& desired, const Json* current);
  // Deletes a child owned by the PaymentService `owner` (by name), as cached: one a pass
  // wrote while its service was being deleted (after the garbage collector ran), or an
  // endpoint shard the configuration no longer uses.
  Status removeOwned(const kube::ResourceRef& resource, const Json* cached, const std::string& owner);

  // Whether an object a watch delivered (as cached) is the echo of our last write of it.
  bool isOwnWrite(ChildKind kind, const Json& cached) const;

private:
  // `owner` null: one of the operator's own Secrets, written without an ownership check.
  Result<Collision> write(const kube::ResourceRef& resource, ChildKind kind, const Json& desired, const Json* current,
                          std::string fingerprint, const ChildOwner* owner);
  // OK when `owner` still exists with its uid and is not being deleted (Conflict otherwise).
  Status confirmOwner(const ChildOwner& owner, const std::string& ns);
  static std::string echoKey(ChildKind kind, const Json& object);

  // The last write of a child: its fingerprint, and the labels and annotations it set
  // (the echo is fingerprinted over the same keys).
  struct Written {
    std::string fingerprint;
    Json owned;
  };

  kube::Client& client_;
  obs::OperatorMetrics* metrics_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Written> written_;  // kind/ns/name -> last write
};

}  // namespace paymesh::ctrl
