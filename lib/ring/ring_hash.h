#pragma once
// Ketama ring hash exactly as Envoy builds it (RING_HASH lb policy):
//  - weights normalised to w = weight / sum; scale = min(ceil(min(w) * minRingSize) /
//    min(w), maxRingSize), so the lightest endpoint gets a whole number of points;
//  - endpoints walked in order with running sums: target += scale * w, and points are
//    added while points < target; point i of an endpoint is the hash of "<key>_<i>"
//    (xxHash64 seed 0, or MurmurHash2 as std::hash<std::string>);
//  - points sorted by hash; lookup takes the first point with hash >= h, wrapping to
//    the first point (Ketama's binary search).
// Envoy walks endpoints in host-set order; this walks them in key order. The two agree
// whenever the cluster's endpoints are listed in key order (as paymesh generates them),
// and whatever the order when every scale * w is a whole number (equal weights).
// Envoy's sort leaves equal hashes in an unspecified order; here ties go to the
// endpoint that comes first by key (a 64-bit collision; never seen in practice).

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "ring/endpoint.h"

namespace paymesh::ring {

class RingHash {
public:
  static Result<RingHash> build(uint64_t minRingSize, uint64_t maxRingSize, HashFunction hashFunction,
                                std::vector<Endpoint> endpoints);
  // A ring read back from storage: endpoints canonical, hashes sorted, owners index them.
  static Result<RingHash> fromPoints(uint64_t minRingSize, uint64_t maxRingSize, HashFunction hashFunction,
                                     std::vector<Endpoint> endpoints, std::vector<uint64_t> hashes,
                                     std::vector<uint32_t> owners);

  // The number of points build() makes for these (canonical) endpoints, without hashing:
  // lets a reader refuse an inconsistent file before rebuilding a large ring.
  static uint64_t pointCount(uint64_t minRingSize, uint64_t maxRingSize, const std::vector<Endpoint>& endpoints);

  uint64_t minRingSize() const { return min_ring_size_; }
  uint64_t maxRingSize() const { return max_ring_size_; }
  HashFunction hashFunction() const { return hash_function_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  // The ring: point hashes ascending, and the index into endpoints() owning each.
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  const std::vector<uint32_t>& owners() const { return owners_; }

  uint32_t lookupIndex(uint64_t hash) const;
  const Endpoint& lookup(uint64_t hash) const { return endpoints_[lookupIndex(hash)]; }

  // Points owned by each endpoint, and the share of the 2^64 hash space each owns.
  std::vector<uint64_t> pointCounts() const;
  std::vector<double> hashSpaceShares() const;

private:
  RingHash(uint64_t min_ring_size, uint64_t max_ring_size, HashFunction hash_function, std::vector<Endpoint> endpoints,
           std::vector<uint64_t> hashes, std::vector<uint32_t> owners);

  size_t bucketOf(uint64_t hash) const {
    return bucket_bits_ == 0 ? 0 : static_cast<size_t>(hash >> (64 - bucket_bits_));
  }

  uint64_t min_ring_size_;
  uint64_t max_ring_size_;
  HashFunction hash_function_;
  std::vector<Endpoint> endpoints_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> owners_;
  // Lookup accelerator: bucket b (the top bucket_bits_ bits of a hash) starts its search
  // at point bucket_start_[b] and ends before bucket_start_[b + 1]. Same answer as a
  // binary search over the whole ring, with about one cache miss instead of ~16.
  int bucket_bits_ = 0;
  std::vector<uint32_t> bucket_start_;
};

}  // namespace paymesh::ring
