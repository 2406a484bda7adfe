#pragma once
// JSON field names, defined once (as nmos-cpp's json_fields.h does): the Kubernetes
// object fields that the model, the desired-state builders and the controllers read and
// write, and the fields of a PaymentService's status.

namespace paymesh::fields {

// Every object.
inline constexpr const char* kApiVersion = "apiVersion";
inline constexpr const char* kKind = "kind";
inline constexpr const char* kMetadata = "metadata";
inline constexpr const char* kSpec = "spec";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kData = "data";
inline constexpr const char* kType = "type";

// ObjectMeta.
inline constexpr const char* kName = "name";
inline constexpr const char* kNamespace = "namespace";
inline constexpr const char* kUid = "uid";
inline constexpr const char* kResourceVersion = "resourceVersion";
inline constexpr const char* kGeneration = "generation";
inline constexpr const char* kGenerateName = "generateName";
inline constexpr const char* kLabels = "labels";
inline constexpr const char* kAnnotations = "annotations";
inline constexpr const char* kOwnerReferences = "ownerReferences";
inline constexpr const char* kDeletionTimestamp = "deletionTimestamp";

// PaymentService status (and its conditions).
inline constexpr const char* kObservedGeneration = "observedGeneration";
inline constexpr const char* kConditions = "conditions";
inline constexpr const char* kEndpoints = "endpoints";
inline constexpr const char* kRingChecksum = "ringChecksum";
inline constexpr const char* kConfigHash = "configHash";
inline constexpr const char* kCertificateNotAfter = "certificateNotAfter";
inline constexpr const char* kMountedCertificateNotAfter = "mountedCertificateNotAfter";
inline constexpr const char* kReason = "reason";
inline constexpr const char* kMessage = "message";
inline constexpr const char* kLastTransitionTime = "lastTransitionTime";

}  // namespace paymesh::fields
