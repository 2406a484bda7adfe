#pragma once
// A discovery ring: Maglev or ring hash over a service's endpoints, behind one API.
// Build it from a RingSpec and endpoints; ask it which endpoint owns a request key
// (as the sidecar hashes the `x-payment-id` header) or a raw 64-bit hash.

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "ring/endpoint.h"
#include "ring/maglev.h"
#include "ring/ring_hash.h"

namespace paymesh::ring {

class Ring {
public:
  // Validates spec and endpoints; the input order of endpoints does not matter.
  static Result<Ring> build(const RingSpec& spec, std::vector<Endpoint> endpoints);

  explicit Ring(MaglevTable table);
  explicit Ring(RingHash ring);

  const RingSpec& spec() const { return spec_; }
  // Sorted by key; lookups return indices into this.
  const std::vector<Endpoint>& endpoints() const;

  uint32_t lookupIndex(uint64_t hash) const;
  const Endpoint& lookup(uint64_t hash) const { return endpoints()[lookupIndex(hash)]; }
  // The endpoint for a request whose hashed header carries `requestKey`.
  const Endpoint& lookupKey(std::string_view requestKey) const;

  // Null unless the ring is of that algorithm.
  const MaglevTable* maglev() const { return std::get_if<MaglevTable>(&impl_); }
  const RingHash* ringHash() const { return std::get_if<RingHash>(&impl_); }

private:
  RingSpec spec_;
  std::variant<MaglevTable, RingHash> impl_;
};

}  // namespace paymesh::ring
