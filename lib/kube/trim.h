#pragma once
// What the informer caches keep of an object, and in which types. A watched object
// holds what the API server stored, and nothing there promises the type of a field
// paymesh did not check itself (a CRD field without a schema, the emulator, a hand-made
// object). So a wrongly typed field is dropped on the way into the cache, as if absent,
// and every reader behind the cache may take the types below for granted instead of
// throwing on them (nlohmann's value() and get<>() throw on a type mismatch).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::kube {

using Json = nlohmann::json;

// Drops what does not have its type, and returns the dropped paths ("metadata.labels.a"):
//   metadata                      an object (else dropped whole)
//   name namespace uid resourceVersion generateName creationTimestamp deletionTimestamp
//                                 strings
//   generation                    an integer
//   labels annotations            objects of strings (a non-string value is dropped)
//   ownerReferences               a list of objects, apiVersion/kind/name/uid strings,
//                                 controller/blockOwnerDeletion booleans
//   data binaryData stringData    (ConfigMaps and Secrets, the only kinds with them)
//                                 objects of strings
std::vector<std::string> dropMistyped(Json& object);

// Drops metadata.managedFields and the last-applied-configuration annotation.
void dropManagedFields(Json& object);

// Keeps only what paymesh reads of a Pod: identity, labels, annotations, owners, deletion,
// spec.nodeName / serviceAccountName (strings), status.phase / podIP (strings), podIPs
// (a list of {ip: string}, when more than one) and the Ready condition (type and status
// strings). A member of another type is left out and reported (reportMistyped).
void trimPod(Json& object);

// Logs at info that `object`'s fields at `paths` were ignored for their type, with its
// kind and namespace/name; nothing when `paths` is empty.
void reportMistyped(const Json& object, const std::vector<std::string>& paths);

}  // namespace paymesh::kube
