#pragma once
// Each PaymentService's endpoints as the pod cache gives them, kept between passes. Reading
// them decodes every pod of the service from the cache; at a cold start a service's pods
// are read by each pass of the service and of each of its callers, so they are decoded
// once per change instead. An entry holds for one selector and one version of the pods
// labelled with the service's name; a pod event for that label (Controller::onPod, which
// runs after the pod cache has the change) moves the version on, and the next read decodes
// again. A read that raced an event is stamped with the version it began under, so it is
// never taken for the newer one.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/endpoints.h"
#include "model/payment_service.h"

namespace paymesh::ctrl {

class EndpointCache {
public:
  using Read = std::function<std::vector<model::ServiceEndpoint>()>;

  // The service's endpoints: the entry when it is current, else read() (then kept).
  std::vector<model::ServiceEndpoint> get(const model::PaymentService& service, const Read& read);
  // The pods labelled paymesh.io/service=<service> in `ns` changed.
  void invalidate(const std::string& ns, const std::string& service);
  size_t size() const;

private:
  struct Entry {
    uint64_t version = 0;
    std::map<std::string, std::string> selector;
    std::vector<model::ServiceEndpoint> endpoints;
  };
  static std::string keyOf(const std::string& ns, const std::string& service) { return ns + "/" + service; }

  mutable std::mutex mu_;
  std::unordered_map<std::string, uint64_t> versions_;  // by namespace/service; absent: 0
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace paymesh::ctrl
