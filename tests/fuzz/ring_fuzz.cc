// Fuzzes what reads untrusted ring input: ring.json (structure, base64, checksum,
// rebuild check) and endpoint lists. What parses must serialise back to bytes that
// parse to the same ring, and lookups must stay in range.

#include <cstddef>
#include <cstdint>
#include <string>

#include "ring/endpoints_file.h"
#include "ring/ring.h"
#include "ring/ring_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  if (auto ring = paymesh::ring::parseRingJson(text); ring.isOk()) {
    const std::string out = paymesh::ring::toRingJson(*ring);
    auto again = paymesh::ring::parseRingJson(out);
    if (!again.isOk() || paymesh::ring::toRingJson(*again) != out) __builtin_trap();
    for (uint64_t h : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}, uint64_t{size} * uint64_t{0x9e3779b97f4a7c15}}) {
      if (ring->lookupIndex(h) >= ring->endpoints().size()) __builtin_trap();
    }
  }

  if (auto eps = paymesh::ring::parseEndpointList(text); eps.isOk()) {
    // Small sizes keep each run fast; the algorithms do not change with size.
    paymesh::ring::RingSpec maglev;
    maglev.tableSize = 251;
    paymesh::ring::RingSpec ring_hash;
    ring_hash.algorithm = paymesh::ring::Algorithm::kRingHash;
    ring_hash.minRingSize = 64;
    ring_hash.maxRingSize = 4096;
    for (const auto& spec : {maglev, ring_hash}) {
      auto ring = paymesh::ring::Ring::build(spec, *eps);
      if (!ring.isOk()) continue;
      auto back = paymesh::ring::parseRingJson(paymesh::ring::toRingJson(*ring));
      if (!back.isOk() || back->endpoints() != ring->endpoints()) __builtin_trap();
    }
  }
  return 0;
}
