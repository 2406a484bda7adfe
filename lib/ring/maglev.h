#pragma once
// Maglev consistent hashing exactly as Envoy builds it (MAGLEV lb policy), so a lookup
// here names the endpoint the sidecar picks for the same hash:
//  - endpoints in key order (Envoy sorts its build entries by hash key);
//  - offset = xxHash64(key, seed 0) % M, skip = xxHash64(key, seed 1) % (M - 1) + 1;
//  - weighted fill: weights normalised to w = weight / sum; in round r (from 1) an
//    endpoint takes its next free preferred slot unless r * w < its running target,
//    which then grows by max(w) — so the heaviest endpoint takes one slot per round;
//  - lookup: table[hash % M].
// Envoy's "compact" and "original" tables hold the same assignment in different memory
// layouts; this is that assignment.

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "ring/endpoint.h"

namespace paymesh::ring {

class MaglevTable {
public:
  // Validates the size (prime, <= kMaxTableSize) and the endpoints, sorts them.
  static Result<MaglevTable> build(uint64_t tableSize, std::vector<Endpoint> endpoints);
  // A table read back from storage: endpoints must be canonical, slots index them.
  static Result<MaglevTable> fromSlots(uint64_t tableSize, std::vector<Endpoint> endpoints,
                                       std::vector<uint32_t> slots);

  uint64_t tableSize() const { return table_size_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  // Index into endpoints() of every slot.
  const std::vector<uint32_t>& slots() const { return slots_; }

  uint32_t lookupIndex(uint64_t hash) const { return slots_[hash % table_size_]; }
  const Endpoint& lookup(uint64_t hash) const { return endpoints_[lookupIndex(hash)]; }

  // Slots owned by each endpoint, in endpoints() order.
  std::vector<uint64_t> slotCounts() const;

private:
  MaglevTable(uint64_t table_size, std::vector<Endpoint> endpoints, std::vector<uint32_t> slots)
      : table_size_(table_size), endpoints_(std::move(endpoints)), slots_(std::move(slots)) {}

  uint64_t table_size_;
  std::vector<Endpoint> endpoints_;
  std::vector<uint32_t> slots_;
};

}  // namespace paymesh::ring
