#pragma once
// The operator's ServiceView for one pass: the PaymentServices of a namespace from the
// parsed-service cache, and a service's endpoints from the pod cache (pods labelled
// paymesh.io/service=<name> that its selector matches; the webhook sets the label).

#include <map>
#include <string>

#include "kube/store.h"
#include "operator/controller/endpoint_cache.h"
#include "operator/controller/service_cache.h"
#include "operator/desired/build_desired.h"

namespace paymesh::ctrl {

class CacheView : public ServiceView {
public:
  // `jwks_config_maps` and `jwks_secrets`: the objects labelled paymesh.io/jwks.
  // `endpoints`: where the endpoints read are kept between passes (none: read every time).
  CacheView(ServiceCache& services, const kube::Store& pods, const kube::Store& jwks_config_maps,
            const kube::Store& jwks_secrets, std::string ns, EndpointCache* endpoints = nullptr)
      : services_(services),
        pods_(pods),
        jwks_config_maps_(jwks_config_maps),
        jwks_secrets_(jwks_secrets),
        ns_(std::move(ns)),
        endpoint_cache_(endpoints) {}

  const model::PaymentService* find(const std::string& name) const override;
  std::vector<model::ServiceEndpoint> endpoints(const model::PaymentService& service) const override;
  const nlohmann::json* jwksObject(model::JwksSourceKind kind, const std::string& name) const override;

private:
  ServiceCache& services_;
  const kube::Store& pods_;
  const kube::Store& jwks_config_maps_;
  const kube::Store& jwks_secrets_;
  std::string ns_;
  EndpointCache* endpoint_cache_;
  mutable std::vector<kube::ObjectPtr> held_;        // keeps what jwksObject() returned alive for the pass
  mutable std::map<std::string, ServicePtr> found_;  // keeps what find() returned alive for the pass
};

}  // namespace paymesh::ctrl
