#include "ring/hash.h"

#include <cstring>

#include <xxhash.h>

namespace paymesh::ring {

uint64_t xxHash64(std::string_view data, uint64_t seed) { return XXH64(data.data(), data.size(), seed); }

namespace {

constexpr uint64_t kMurmurMul = 0xc6a4a7935bd1e995ULL;

uint64_t shiftMix(uint64_t v) { return v ^ (v >> 47); }

uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;  // little-endian host assumed (x86-64, arm64), as in Envoy
}

// The 1..7 trailing bytes, first byte least significant.
uint64_t loadTail(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i - 1]);
  return v;
}

}  // namespace

uint64_t murmurHash2(std::string_view data, uint64_t seed) {
  const size_t len = data.size();
  const size_t whole = len & ~static_cast<size_t>(7);
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * kMurmurMul);
  for (size_t i = 0; i < whole; i += 8) {
    h ^= shiftMix(load64(data.data() + i) * kMurmurMul) * kMurmurMul;
    h *= kMurmurMul;
  }
  if (len & 7) {
    h ^= loadTail(data.data() + whole, len & 7);
    h *= kMurmurMul;
  }
  return shiftMix(shiftMix(h) * kMurmurMul);
}

namespace {

__extension__ using Uint128 = unsigned __int128;

uint64_t mulMod(uint64_t a, uint64_t b, uint64_t m) { return static_cast<uint64_t>(static_cast<Uint128>(a) * b % m); }

uint64_t powMod(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1;
  b %= m;
  while (e) {
    if (e & 1) r = mulMod(r, b, m);
    b = mulMod(b, b, m);
    e >>= 1;
  }
  return r;
}

}  // namespace

bool isPrime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t p : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    if (n % p == 0) return n == p;
  }
  uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  // These bases make Miller-Rabin exact for every 64-bit n.
  for (uint64_t a : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    uint64_t x = powMod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s; ++r) {
      x = mulMod(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

}  // namespace paymesh::ring
