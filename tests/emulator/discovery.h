#pragma once
// Discovery documents (/api, /apis, /apis/<g>/<v>, /version) and the small OpenAPI v3
// documents kubectl reads, built from the resource registry.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/resource_types.h"

namespace paymesh::emulator {

nlohmann::json versionInfo();
nlohmann::json apiVersions(const std::string& server_address);
nlohmann::json apiGroupList(const std::vector<const ResourceType*>& types);
nlohmann::json apiGroup(const std::vector<const ResourceType*>& types, const std::string& group);
nlohmann::json apiResourceList(const std::vector<const ResourceType*>& types, const std::string& group_version);
// /openapi/v3: one path per group version.
nlohmann::json openApiV3Index(const std::vector<const ResourceType*>& types);
// /openapi/v3/apis/<g>/<v> or /openapi/v3/api/v1: per resource, the operations and the
// schema of the kind (CRD schema or an open object) with its group-version-kind.
nlohmann::json openApiV3Document(const std::vector<const ResourceType*>& types, const std::string& group_version);

}  // namespace paymesh::emulator
