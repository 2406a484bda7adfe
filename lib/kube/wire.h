#pragma once
// What the API server sends for a list and a watch, read into the client's types without
// throwing on anything: a list page (items, resourceVersion, continue token) and one line
// of a watch stream. Pure, so that they are fuzzed apart from HTTP (tests/fuzz/wire_fuzz).

#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace paymesh::kube {

// A list response: its items, each a JSON object given the list's kind and apiVersion
// when it lacks them (built-in lists leave them out); an item that is not an object is
// left out (the caches would not keep it). A body that is not an object, or whose items
// are not a list, is an error naming `what`.
Result<ObjectList> parseListPage(Json body, const ResourceRef& res, const std::string& what);

// One line of a watch stream: its event, or the error the server sent in it (an ERROR
// event, as a Status; a 410 Gone among them), or what is wrong with the line.
Result<WatchEvent> parseWatchLine(std::string_view line, const std::string& what);

}  // namespace paymesh::kube
