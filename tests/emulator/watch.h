#pragma once
// Watches as kube-apiserver streams them: newline-delimited ADDED, MODIFIED, DELETED,
// BOOKMARK and ERROR events from a resourceVersion (or the current objects first), with
// label and field selectors (an object that stops matching arrives as DELETED, one that
// starts as ADDED), Tables per event, 410 Expired past the kept history, timeoutSeconds,
// and the injected drop-every-N fault. Events come from the Store's history; the stream
// waits on the store's condition variable with the server's lock released while writing.

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "emulator/http_types.h"
#include "emulator/router.h"
#include "emulator/server_state.h"

namespace paymesh::emulator {

// Streams events through `write` until the watch ends, `write` returns false, or the server
// stops; returns the error response instead when the watch cannot start. `lock` holds the
// server's mutex on entry and may be released and re-taken.
std::optional<HttpResponse> serveWatch(ServerState& state, std::unique_lock<std::mutex>& lock, const HttpRequest& req,
                                       const Route& route, const std::function<bool(const std::string&)>& write);

}  // namespace paymesh::emulator
