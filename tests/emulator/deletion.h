#pragma once
// Deletion as kube-apiserver and its controllers carry it out: preconditions, finalizers
// (an object with finalizers only gets a deletionTimestamp until the last one goes),
// garbage collection of dependents by owner reference (Background and Foreground delete
// them, recursively, unless another live owner remains; Orphan only drops the reference),
// namespaces (Terminating, then after a delay the namespace and everything in it), and a
// CRD's deletion taking its objects with it. Garbage collection is synchronous here.
// dryRun=All answers what the deletion would return and changes nothing.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"
#include "emulator/router.h"
#include "emulator/server_state.h"

namespace paymesh::emulator {

// DELETE of one object, with DeleteOptions (body or query).
HttpResponse deleteOne(ServerState& state, const HttpRequest& req, const Target& target);
// DELETE of a collection, by label selector.
HttpResponse deleteCollection(ServerState& state, const HttpRequest& req, const Target& target);

// Removes the object now (no finalizers left), then whatever depended on it.
void finalizeDelete(ServerState& state, const ResourceType& type, const std::string& key,
                    const std::string& propagation);

// Finalizes the namespaces that have been Terminating for namespace_finalize_delay.
void finalizeDueNamespaces(ServerState& state, std::chrono::steady_clock::time_point now);

}  // namespace paymesh::emulator
