#pragma once
// The metav1.Status error bodies the emulator answers with, shaped as kube-apiserver's
// (reason, code, details with the object's name, group and kind, causes per field), so a
// client's error handling sees what it would see against a real cluster.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"
#include "emulator/resource_types.h"

namespace paymesh::emulator {

// One cause of a 422 Invalid, as in metav1.StatusCause.
struct Cause {
  std::string reason;  // FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, ...
  std::string field;   // e.g. "spec.ports[0].port"
  std::string message;
};

HttpResponse jsonResponse(int status, const nlohmann::json& body);
nlohmann::json statusObject(int code, const std::string& reason, const std::string& message,
                            const nlohmann::json& details = nullptr);
// `reason` empty: the usual reason for `code` (404 NotFound, 409 Conflict, ...).
HttpResponse statusError(int code, const std::string& message, const nlohmann::json& details = nullptr,
                         const std::string& reason = "");

// "Kind" for the core group, "Kind.group" otherwise: how kube-apiserver names a kind in errors.
std::string qualifiedKind(const ResourceType& type);
HttpResponse notFoundError(const ResourceType& type, const std::string& name);
HttpResponse alreadyExistsError(const ResourceType& type, const std::string& name);
HttpResponse conflictError(const ResourceType& type, const std::string& name, const std::string& why);
// 422: `Kind "name" is invalid: field: message` (a bracketed list when there are several).
HttpResponse invalidError(const ResourceType& type, const std::string& name, const std::vector<Cause>& causes);
// The same for the options a request carries (CreateOptions, DeleteOptions, ...).
HttpResponse invalidOptionsError(const std::string& options_kind, const std::vector<Cause>& causes);

}  // namespace paymesh::emulator
