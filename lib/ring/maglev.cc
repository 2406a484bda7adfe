#include "ring/maglev.h"

#include <algorithm>
#include <limits>

#include "ring/hash.h"

namespace paymesh::ring {

namespace {

constexpr uint32_t kEmptySlot = std::numeric_limits<uint32_t>::max();

struct Candidate {
  uint64_t position;  // current slot of the permutation: (offset + skip * next) % M
  uint64_t skip;
  double weight;
  double target = 0.0;
};

}  // namespace

Result<MaglevTable> MaglevTable::build(uint64_t tableSize, std::vector<Endpoint> endpoints) {
  RingSpec spec;
  spec.tableSize = tableSize;
  RETURN_IF_ERROR(validateSpec(spec));
  ASSIGN_OR_RETURN(endpoints, canonicalEndpoints(std::move(endpoints)));

  uint64_t sum = 0;
  for (const auto& e : endpoints) sum += e.weight;
  // Same arithmetic as Envoy's weight normalisation, so ties and rounding agree.
  double max_weight = 0.0;
  std::vector<Candidate> candidates;
  candidates.reserve(endpoints.size());
  for (const auto& e : endpoints) {
    const double w = static_cast<double>(e.weight) / static_cast<double>(sum);
    max_weight = std::max(max_weight, w);
    candidates.push_back({xxHash64(e.key, 0) % tableSize, xxHash64(e.key, 1) % (tableSize - 1) + 1, w});
  }

  std::vector<uint32_t> slots(tableSize, kEmptySlot);
  // Occupancy as a bitmap: 8 KiB for the default size stays in L1 while the probes jump
  // around the table, which is most of the build time.
  std::vector<uint64_t> taken((tableSize + 63) / 64, 0);
  auto isTaken = [&taken](uint64_t slot) { return (taken[slot >> 6] >> (slot & 63)) & 1; };
  uint64_t filled = 0;
  for (uint32_t round = 1; filled < tableSize; ++round) {
    for (size_t i = 0; i < candidates.size() && filled < tableSize; ++i) {
      Candidate& c = candidates[i];
      if (static_cast<double>(round) * c.weight < c.target) continue;
      c.target += max_weight;
      // Walking the permutation one skip at a time equals Envoy's recomputation of
      // (offset + skip * next) % M for next = 0, 1, 2, ...
      while (isTaken(c.position)) {
        c.position += c.skip;
        if (c.position >= tableSize) c.position -= tableSize;
      }
      slots[c.position] = static_cast<uint32_t>(i);
      taken[c.position >> 6] |= uint64_t{1} << (c.position & 63);
      c.position += c.skip;
      if (c.position >= tableSize) c.position -= tableSize;
      ++filled;
    }
  }
  return MaglevTable(tableSize, std::move(endpoints), std::move(slots));
}

Result<MaglevTable> MaglevTable::fromSlots(uint64_t tableSize, std::vector<Endpoint> endpoints,
                                           std::vector<uint32_t> slots) {
  RingSpec spec;
  spec.tableSize = tableSize;
  RETURN_IF_ERROR(validateSpec(spec));
  ASSIGN_OR_RETURN(auto sorted, canonicalEndpoints(endpoints));
  if (sorted != endpoints) return invalidArgument("endpoints are not sorted by key");
  if (slots.size() != tableSize) {
    return invalidArgument("table has " + std::to_string(slots.size()) + " slots, want " + std::to_string(tableSize));
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] >= endpoints.size()) {
      return invalidArgument("table slot " + std::to_string(i) + " names endpoint " + std::to_string(slots[i]) +
                             " of " + std::to_string(endpoints.size()));
    }
  }
  return MaglevTable(tableSize, std::move(endpoints), std::move(slots));
}

std::vector<uint64_t> MaglevTable::slotCounts() const {
  std::vector<uint64_t> counts(endpoints_.size(), 0);
  for (uint32_t s : slots_) ++counts[s];
  return counts;
}

}  // namespace paymesh::ring
