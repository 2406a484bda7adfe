#pragma once
// Server-side printing (meta.k8s.io/v1 Table) as kubectl asks for it: Name and Age for
// built-in kinds, the CRD's additionalPrinterColumns for custom resources.

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/resource_types.h"

namespace paymesh::emulator {

// `include_object`: "None", "Metadata" (default) or "Object".
nlohmann::json toTable(const ResourceType& type, const std::vector<nlohmann::json>& items,
                       const std::string& include_object, std::chrono::system_clock::time_point now,
                       const nlohmann::json& list_metadata);

// Evaluates the simple JSONPath forms printer columns use: ".a.b", ".a[0].b",
// ".a[?(@.type==\"Ready\")].status". Returns null when the path does not resolve.
nlohmann::json evalJsonPath(const nlohmann::json& obj, const std::string& path);

// "5s", "3m", "2h", "4d", as kubectl prints ages.
std::string humanAge(std::chrono::seconds age);

}  // namespace paymesh::emulator
