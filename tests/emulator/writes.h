#pragma once
// Create, update (PUT, also of /status) and patch (merge, JSON and strategic merge) with
// kube-apiserver's object semantics: generateName, uid, creationTimestamp, generation
// (+1 when anything but metadata and status changes), optimistic concurrency on
// resourceVersion, the status subresource split, a no-op write that changes nothing, and
// mutating admission of pods. dryRun=All runs all of it and stores nothing: the answer is
// the object as it would be.

#include <mutex>

#include "emulator/http_types.h"
#include "emulator/router.h"
#include "emulator/server_state.h"

namespace paymesh::emulator {

// Releases `lock` while admission webhooks are called.
HttpResponse createObject(ServerState& state, const HttpRequest& req, const Target& target,
                          std::unique_lock<std::mutex>& lock);
HttpResponse updateObject(ServerState& state, const HttpRequest& req, const Target& target);
HttpResponse patchObject(ServerState& state, const HttpRequest& req, const Target& target);

}  // namespace paymesh::emulator
