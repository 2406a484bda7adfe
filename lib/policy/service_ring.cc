#include "policy/service_ring.h"

namespace paymesh::policy {

ring::RingSpec ringSpec(const model::PaymentService& service) {
  const auto& r = service.spec.ring;
  ring::RingSpec spec;
  spec.algorithm = r.algorithm == model::RingAlgorithm::kMaglev ? ring::Algorithm::kMaglev : ring::Algorithm::kRingHash;
  spec.tableSize = static_cast<uint64_t>(r.table_size);
  spec.minRingSize = static_cast<uint64_t>(r.virtual_nodes);
  spec.maxRingSize = static_cast<uint64_t>(r.max_ring_size);
  spec.hashFunction = r.hash_function == model::HashFunction::kXxHash ? ring::HashFunction::kXxHash64
                                                                      : ring::HashFunction::kMurmurHash2;
  return spec;
}

std::vector<ring::Endpoint> ringEndpoints(const std::vector<model::ServiceEndpoint>& ready) {
  std::vector<ring::Endpoint> out;
  out.reserve(ready.size());
  for (const auto& e : ready) out.push_back({e.pod_name, 1});
  return out;
}

Result<std::optional<ring::Ring>> serviceRing(const model::PaymentService& service,
                                              const std::vector<model::ServiceEndpoint>& endpoints) {
  if (service.spec.lb_policy != model::LbPolicy::kConsistentHash) return std::optional<ring::Ring>();
  auto ready = model::readyEndpoints(endpoints);
  if (ready.empty()) return std::optional<ring::Ring>();
  auto built = ring::Ring::build(ringSpec(service), ringEndpoints(ready));
  if (!built.isOk()) return built.status().withContext("ring of " + service.metadata.name);
  return std::optional<ring::Ring>(std::move(built).value());
}

}  // namespace paymesh::policy
