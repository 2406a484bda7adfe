#include "ring/ring.h"

#include "ring/hash.h"

namespace paymesh::ring {

Result<Ring> Ring::build(const RingSpec& spec, std::vector<Endpoint> endpoints) {
  RETURN_IF_ERROR(validateSpec(spec));
  if (spec.algorithm == Algorithm::kMaglev) {
    ASSIGN_OR_RETURN(auto table, MaglevTable::build(spec.tableSize, std::move(endpoints)));
    return Ring(std::move(table));
  }
  ASSIGN_OR_RETURN(auto ring,
                   RingHash::build(spec.minRingSize, spec.maxRingSize, spec.hashFunction, std::move(endpoints)));
  return Ring(std::move(ring));
}

Ring::Ring(MaglevTable table) : impl_(std::move(table)) {
  spec_.algorithm = Algorithm::kMaglev;
  spec_.tableSize = std::get<MaglevTable>(impl_).tableSize();
}

Ring::Ring(RingHash ring) : impl_(std::move(ring)) {
  const auto& r = std::get<RingHash>(impl_);
  spec_.algorithm = Algorithm::kRingHash;
  spec_.minRingSize = r.minRingSize();
  spec_.maxRingSize = r.maxRingSize();
  spec_.hashFunction = r.hashFunction();
}

const std::vector<Endpoint>& Ring::endpoints() const {
  return std::visit([](const auto& impl) -> const std::vector<Endpoint>& { return impl.endpoints(); }, impl_);
}

uint32_t Ring::lookupIndex(uint64_t hash) const {
  return std::visit([hash](const auto& impl) { return impl.lookupIndex(hash); }, impl_);
}

const Endpoint& Ring::lookupKey(std::string_view requestKey) const { return lookup(requestKeyHash(requestKey)); }

}  // namespace paymesh::ring
