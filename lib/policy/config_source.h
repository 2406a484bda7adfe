#pragma once
// The file-based config source every dynamic resource uses: a file of the ConfigMap
// mount, reloaded when Kubernetes swaps the mount's ..data link.

#include <nlohmann/json.hpp>
#include <string>

#include "policy/names.h"

namespace paymesh::policy {

inline nlohmann::ordered_json fileConfigSource(const std::string& file) {
  return {{"resource_api_version", "V3"},
          {"path_config_source", {{"path", configPath(file)}, {"watched_directory", {{"path", kConfigDir}}}}}};
}

}  // namespace paymesh::policy
