#pragma once
// GET of one object and of lists: label and field selectors, limit/continue paging with
// remainingItemCount, and server-side printing (Table) when kubectl asks for it.

#include "emulator/http_types.h"
#include "emulator/router.h"
#include "emulator/server_state.h"

namespace paymesh::emulator {

HttpResponse getObject(ServerState& state, const HttpRequest& req, const Target& target);
HttpResponse listObjects(ServerState& state, const HttpRequest& req, const Target& target);

}  // namespace paymesh::emulator
