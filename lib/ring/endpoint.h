#pragma once
// Inputs of a discovery ring: the endpoints (a hash key and a weight) and the ring
// parameters. These mirror what the sidecar (Envoy) sees for a cluster: the hash key is
// the endpoint's `envoy.lb` `hash_key` metadata when set (paymesh sets it to the pod
// name), otherwise the "ip:port" string of its address; the weight is the endpoint's
// load_balancing_weight (pod annotation `paymesh.io/weight`, default 1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace paymesh::ring {

enum class Algorithm { kMaglev, kRingHash };
// Ring hash point hash. Maglev always uses xxHash64, as Envoy does.
enum class HashFunction { kXxHash64, kMurmurHash2 };

// Envoy's defaults and limits (MaglevLbConfig / RingHashLbConfig).
inline constexpr uint64_t kDefaultTableSize = 65537;
inline constexpr uint64_t kMaxTableSize = 5000011;
inline constexpr uint64_t kDefaultMinRingSize = 1024;
inline constexpr uint64_t kDefaultMaxRingSize = 8388608;
inline constexpr uint64_t kMaxRingSizeLimit = 8388608;
// Envoy refuses a host set whose weights add up to more than this.
inline constexpr uint64_t kMaxWeightSum = UINT32_MAX;
inline constexpr size_t kMaxKeyLength = 1024;

struct RingSpec {
  Algorithm algorithm = Algorithm::kMaglev;
  uint64_t tableSize = kDefaultTableSize;               // Maglev only; prime
  uint64_t minRingSize = kDefaultMinRingSize;           // ring hash only
  uint64_t maxRingSize = kDefaultMaxRingSize;           // ring hash only
  HashFunction hashFunction = HashFunction::kXxHash64;  // ring hash only

  bool operator==(const RingSpec&) const = default;
};

struct Endpoint {
  std::string key;
  uint32_t weight = 1;

  bool operator==(const Endpoint&) const = default;
};

const char* algorithmName(Algorithm a);        // "maglev" | "ring-hash"
const char* hashFunctionName(HashFunction h);  // "xxHash64" | "murmurHash2"
// Accepts the names above and the usual spellings ("ring_hash", "ketama", "xx", "murmur2", ...).
Result<Algorithm> parseAlgorithm(std::string_view s);
Result<HashFunction> parseHashFunction(std::string_view s);

// Checks the parameters the algorithm uses (the others are ignored).
Status validateSpec(const RingSpec& spec);

// Checks the endpoints (at least one, keys non-empty and unique, weights >= 1, weight
// sum within Envoy's limit) and returns them sorted by key: the canonical order every
// ring and ring.json uses, so that the input order never matters.
Result<std::vector<Endpoint>> canonicalEndpoints(std::vector<Endpoint> endpoints);

// The key Envoy hashes for an endpoint without `hash_key` metadata: its address as
// "ip:port" ("[ip]:port" for IPv6). The IP must be in canonical text form.
std::string addressKey(std::string_view ip, uint16_t port);

// The endpoint of a pod: the stable hash key (pod name) when given, else "ip:port";
// the weight from the `paymesh.io/weight` annotation value (absent: 1).
Result<Endpoint> podEndpoint(std::string_view ip, uint16_t port, std::string_view hashKey,
                             std::optional<std::string_view> weightAnnotation);

// Parses a weight: a decimal integer in [1, 2^32-1]. `what` names the input in errors.
Result<uint32_t> parseWeight(std::string_view s, std::string_view what);

// Parses "KEY" or "KEY=WEIGHT" (split at the last '=').
Result<Endpoint> parseEndpointSpec(std::string_view s);

}  // namespace paymesh::ring
