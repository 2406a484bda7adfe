#include "ring/ring_hash.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "ring/hash.h"

namespace paymesh::ring {

namespace {

// Normalised weights and the scale, with Envoy's floating-point steps.
double scaleFor(uint64_t minRingSize, uint64_t maxRingSize, const std::vector<Endpoint>& endpoints,
                std::vector<double>& weights) {
  uint64_t sum = 0;
  for (const auto& e : endpoints) sum += e.weight;
  double min_weight = 1.0;
  weights.clear();
  weights.reserve(endpoints.size());
  for (const auto& e : endpoints) {
    weights.push_back(static_cast<double>(e.weight) / static_cast<double>(sum));
    min_weight = std::min(min_weight, weights.back());
  }
  return std::min(std::ceil(min_weight * static_cast<double>(minRingSize)) / min_weight,
                  static_cast<double>(maxRingSize));
}

}  // namespace

uint64_t RingHash::pointCount(uint64_t minRingSize, uint64_t maxRingSize, const std::vector<Endpoint>& endpoints) {
  std::vector<double> weights;
  const double scale = scaleFor(minRingSize, maxRingSize, endpoints, weights);
  // build() adds points one at a time while points < target; starting from a whole
  // number, that ends at ceil(target) whenever target is ahead.
  double current = 0.0;
  double target = 0.0;
  for (double w : weights) {
    target += scale * w;
    if (current < target) current = std::ceil(target);
  }
  return static_cast<uint64_t>(current);
}

Result<RingHash> RingHash::build(uint64_t minRingSize, uint64_t maxRingSize, HashFunction hashFunction,
                                 std::vector<Endpoint> endpoints) {
  RingSpec spec;
  spec.algorithm = Algorithm::kRingHash;
  spec.minRingSize = minRingSize;
  spec.maxRingSize = maxRingSize;
  RETURN_IF_ERROR(validateSpec(spec));
  ASSIGN_OR_RETURN(endpoints, canonicalEndpoints(std::move(endpoints)));

  // The same floating-point steps as Envoy, so the point counts agree exactly.
  std::vector<double> weights;
  const double scale = scaleFor(minRingSize, maxRingSize, endpoints, weights);

  struct Point {
    uint64_t hash;
    uint32_t owner;
  };
  std::vector<Point> points;
  points.reserve(static_cast<size_t>(std::ceil(scale)) + endpoints.size());
  std::string buffer;
  double current = 0.0;
  double target = 0.0;
  for (size_t idx = 0; idx < endpoints.size(); ++idx) {
    buffer.assign(endpoints[idx].key);
    buffer.push_back('_');
    const size_t prefix = buffer.size();
    target += scale * weights[idx];
    for (uint64_t i = 0; current < target; ++i, current += 1.0) {
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), i);
      (void)ec;
      buffer.resize(prefix);
      buffer.append(digits, end);
      const uint64_t h = hashFunction == HashFunction::kMurmurHash2 ? murmurHash2(buffer) : xxHash64(buffer);
      points.push_back({h, static_cast<uint32_t>(idx)});
    }
  }
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.hash != b.hash ? a.hash < b.hash : a.owner < b.owner; });
  std::vector<uint64_t> hashes(points.size());
  std::vector<uint32_t> owners(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    hashes[i] = points[i].hash;
    owners[i] = points[i].owner;
  }
  return RingHash(minRingSize, maxRingSize, hashFunction, std::move(endpoints), std::move(hashes), std::move(owners));
}

Result<RingHash> RingHash::fromPoints(uint64_t minRingSize, uint64_t maxRingSize, HashFunction hashFunction,
                                      std::vector<Endpoint> endpoints, std::vector<uint64_t> hashes,
                                      std::vector<uint32_t> owners) {
  RingSpec spec;
  spec.algorithm = Algorithm::kRingHash;
  spec.minRingSize = minRingSize;
  spec.maxRingSize = maxRingSize;
  RETURN_IF_ERROR(validateSpec(spec));
  ASSIGN_OR_RETURN(auto sorted, canonicalEndpoints(endpoints));
  if (sorted != endpoints) return invalidArgument("endpoints are not sorted by key");
  if (hashes.empty()) return invalidArgument("the ring has no points");
  if (hashes.size() != owners.size()) {
    return invalidArgument("the ring has " + std::to_string(hashes.size()) + " point hashes but " +
                           std::to_string(owners.size()) + " point owners");
  }
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (i > 0 && hashes[i] < hashes[i - 1]) {
      return invalidArgument("ring point " + std::to_string(i) + " is out of order");
    }
    if (owners[i] >= endpoints.size()) {
      return invalidArgument("ring point " + std::to_string(i) + " names endpoint " + std::to_string(owners[i]) +
                             " of " + std::to_string(endpoints.size()));
    }
  }
  return RingHash(minRingSize, maxRingSize, hashFunction, std::move(endpoints), std::move(hashes), std::move(owners));
}

RingHash::RingHash(uint64_t min_ring_size, uint64_t max_ring_size, HashFunction hash_function,
                   std::vector<Endpoint> endpoints, std::vector<uint64_t> hashes, std::vector<uint32_t> owners)
    : min_ring_size_(min_ring_size),
      max_ring_size_(max_ring_size),
      hash_function_(hash_function),
      endpoints_(std::move(endpoints)),
      hashes_(std::move(hashes)),
      owners_(std::move(owners)) {
  // About one point per bucket, at most 2^20 buckets (4 MiB).
  while (bucket_bits_ < 20 && (uint64_t{1} << bucket_bits_) < hashes_.size()) ++bucket_bits_;
  const size_t buckets = size_t{1} << bucket_bits_;
  bucket_start_.resize(buckets + 1);
  size_t point = 0;
  for (size_t b = 0; b < buckets; ++b) {
    // First point whose hash is in bucket b or later.
    while (point < hashes_.size() && bucketOf(hashes_[point]) < b) ++point;
    bucket_start_[b] = static_cast<uint32_t>(point);
  }
  bucket_start_[buckets] = static_cast<uint32_t>(hashes_.size());
}

uint32_t RingHash::lookupIndex(uint64_t hash) const {
  // Ketama: the first point with hash >= h, wrapping to the first point of the ring.
  const size_t b = bucketOf(hash);
  const auto first = hashes_.begin() + bucket_start_[b];
  const auto last = hashes_.begin() + bucket_start_[b + 1];
  auto it = std::lower_bound(first, last, hash);
  // Past the bucket's points: the answer is the next bucket's first point (or the wrap).
  const size_t i = static_cast<size_t>(it - hashes_.begin());
  return owners_[i == hashes_.size() ? 0 : i];
}

std::vector<uint64_t> RingHash::pointCounts() const {
  std::vector<uint64_t> counts(endpoints_.size(), 0);
  for (uint32_t o : owners_) ++counts[o];
  return counts;
}

std::vector<double> RingHash::hashSpaceShares() const {
  // Point i owns (hashes[i-1], hashes[i]]; the first point also owns the wrap-around arc.
  std::vector<double> shares(endpoints_.size(), 0.0);
  const double space = 18446744073709551616.0;  // 2^64
  for (size_t i = 0; i < hashes_.size(); ++i) {
    const uint64_t prev = i == 0 ? hashes_.back() : hashes_[i - 1];
    const uint64_t arc = hashes_[i] - prev;  // unsigned wrap gives the arc for i == 0
    shares[owners_[i]] += (hashes_.size() == 1 ? space : static_cast<double>(arc)) / space;
  }
  return shares;
}

}  // namespace paymesh::ring
