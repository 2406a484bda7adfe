#pragma once
// Render inputs from manifests on files (PaymentServices, Pods, EndpointSlices), as
// `paymeshctl render` reads them. The operator builds the same inputs from its caches.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/endpoints.h"
#include "model/manifest.h"
#include "model/payment_service.h"

namespace paymesh::policy {

struct ManifestError {
  std::string file;
  int line = 0;
  std::string object;   // "namespace/name"
  std::string message;  // "spec.x: ..." or a plain message
};

struct Namespace {
  std::map<std::string, model::PaymentService> services;
  std::map<std::string, std::string> service_files;  // name -> "FILE:LINE"
  std::map<std::string, std::vector<model::ServiceEndpoint>> endpoints;
  // ConfigMaps and Secrets by name, as read: where a JWKS a service names may be.
  std::map<std::string, nlohmann::json> config_maps;
  std::map<std::string, nlohmann::json> secrets;
};

struct ManifestInputs {
  std::map<std::string, Namespace> namespaces;
  std::vector<ManifestError> errors;
  size_t skipped = 0;
};

// Pods are endpoints of every PaymentService in their namespace whose selector they
// match; EndpointSlices of the service named by their kubernetes.io/service-name label.
// ConfigMaps and Secrets are kept whole for the JWKS a service's providers name.
ManifestInputs collectInputs(const std::vector<model::Manifest>& manifests);

}  // namespace paymesh::policy
