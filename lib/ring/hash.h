#pragma once
// The hash functions Envoy uses for consistent hashing.

#include <cstdint>
#include <string_view>

namespace paymesh::ring {

// xxHash64 (libxxhash). Envoy uses seed 0 for ring points, Maglev offsets and request
// keys, and seed 1 for Maglev skips.
uint64_t xxHash64(std::string_view data, uint64_t seed = 0);

// Envoy's MurmurHash2 variant for the ring hash (RingHash.MURMUR_HASH_2): the 64-bit
// MurmurHash2 of libstdc++'s std::hash<std::string>, with the same seed.
inline constexpr uint64_t kMurmurStdHashSeed = 0xc70f6907ULL;
uint64_t murmurHash2(std::string_view data, uint64_t seed = kMurmurStdHashSeed);

// The hash of a request key, as Envoy's header hash policy computes it for a request
// carrying that value in the hashed header (xxHash64, seed 0, of the value).
inline uint64_t requestKeyHash(std::string_view value) { return xxHash64(value); }

// Deterministic primality test for 64-bit values.
bool isPrime(uint64_t n);

}  // namespace paymesh::ring
