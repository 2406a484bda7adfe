#pragma once
// The whole sidecar configuration of one PaymentService, the files of its ConfigMap
// <name>-paymesh: a pure function of the service, the services it calls (and their
// fallbacks), their endpoints and the mesh config. The ConfigMap object around the
// files (its metadata) is built by the desired-state core (operator/desired), which the
// operator and `paymeshctl render` share.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/endpoints.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

struct RenderInputs {
  const model::PaymentService* self = nullptr;
  // PaymentServices of the namespace by name: those the config reads are its
  // dependencies, their fallbacks and its allowed callers; others are ignored.
  std::map<std::string, const model::PaymentService*> services;
  // Endpoints by service name; absent means none.
  std::map<std::string, std::vector<model::ServiceEndpoint>> endpoints;
  const model::MeshConfig* mesh = nullptr;
  // The JWKS text of each of self's providers with a local source (ConfigMap or
  // Secret), by provider name, checked by the caller (auth::parseJwks).
  std::map<std::string, std::string> jwks;
};

struct SidecarConfig {
  std::map<std::string, std::string> files;    // file name -> content (binary ones: isBinaryFile)
  std::string config_hash;                     // "sha256:<hex>" over every file
  std::vector<std::string> missing;            // dependencies (or fallbacks) not found
  std::vector<std::string> without_endpoints;  // services rendered with no endpoint
  std::string ring_checksum;                   // of ring.json, when the service has a ring
  std::vector<std::string> notes;              // worth telling a person (e.g. ring not published)
};

// Missing dependencies are left out and listed in `missing` (the operator reports
// them in status); an invalid input (no self, no mesh) is an error.
Result<SidecarConfig> renderSidecarConfig(const RenderInputs& in);

// ring.json is left out above this size so the ConfigMap stays well under 1 MiB.
inline constexpr size_t kMaxRingJsonBytes = 700 * 1024;

// SHA-256 over the files in name order, as "sha256:<hex>".
std::string configHash(const std::map<std::string, std::string>& files);

}  // namespace paymesh::policy
