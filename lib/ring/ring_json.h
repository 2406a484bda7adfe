#pragma once
// ring.json: the published form of a discovery ring (format in docs/ring-json.md).
// It holds the algorithm, its parameters, the endpoints (sorted by key) and the whole
// table or ring, so a consumer answers lookups from the file alone. The same ring
// always serialises to the same bytes.

#include <string>
#include <string_view>

#include "base/status.h"
#include "ring/ring.h"

namespace paymesh::ring {

inline constexpr int kRingJsonVersion = 1;
inline constexpr const char* kRingJsonKind = "PaymeshRing";

// Pretty-printed JSON (2-space indent) ending in a newline.
std::string toRingJson(const Ring& ring);

// Parses and verifies: version, field types, encodings, sizes, ordering, the checksum,
// and that the stored table or ring is the one the endpoints and parameters give.
Result<Ring> parseRingJson(std::string_view text);

// "xxh64:<16 hex digits>" over the canonical text of the ring (see the doc).
std::string ringChecksum(const Ring& ring);

}  // namespace paymesh::ring
