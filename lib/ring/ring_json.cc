#include "ring/ring_json.h"

#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "ring/hash.h"
#include "ring/packed.h"

namespace paymesh::ring {

namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// Field names, defined once.
namespace field {
constexpr const char* kKind = "kind";
constexpr const char* kVersion = "version";
constexpr const char* kAlgorithm = "algorithm";
constexpr const char* kTableSize = "tableSize";
constexpr const char* kMinRingSize = "minRingSize";
constexpr const char* kMaxRingSize = "maxRingSize";
constexpr const char* kHashFunction = "hashFunction";
constexpr const char* kKeyHash = "keyHash";
constexpr const char* kEndpoints = "endpoints";
constexpr const char* kKey = "key";
constexpr const char* kWeight = "weight";
constexpr const char* kTable = "table";
constexpr const char* kRing = "ring";
constexpr const char* kPoints = "points";
constexpr const char* kIndexBytes = "indexBytes";
constexpr const char* kSlots = "slots";
constexpr const char* kHashes = "hashes";
constexpr const char* kOwners = "owners";
constexpr const char* kChecksum = "checksum";
}  // namespace field

constexpr const char* kKeyHashName = "xxHash64";

struct Payload {
  std::string slots;   // maglev: base64 of packed endpoint indices
  std::string hashes;  // ring hash: base64 of packed uint64 point hashes
  std::string owners;  // ring hash: base64 of packed endpoint indices
  int index_bytes = 1;
};

Payload encodePayload(const Ring& ring) {
  Payload p;
  p.index_bytes = indexWidth(ring.endpoints().size());
  if (const auto* m = ring.maglev()) {
    p.slots = base64Encode(packUints32(m->slots(), p.index_bytes));
  } else {
    const auto* r = ring.ringHash();
    p.hashes = base64Encode(packUints(r->hashes(), 8));
    p.owners = base64Encode(packUints32(r->owners(), p.index_bytes));
  }
  return p;
}

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string checksumOf(const RingSpec& spec, const std::vector<Endpoint>& endpoints, const Payload& p) {
  std::string text = "paymesh-ring v" + std::to_string(kRingJsonVersion) + "\n";
  text += std::string("algorithm ") + algorithmName(spec.algorithm) + "\n";
  if (spec.algorithm == Algorithm::kMaglev) {
    text += "tableSize " + std::to_string(spec.tableSize) + "\n";
  } else {
    text += "minRingSize " + std::to_string(spec.minRingSize) + "\n";
    text += "maxRingSize " + std::to_string(spec.maxRingSize) + "\n";
    text += std::string("hashFunction ") + hashFunctionName(spec.hashFunction) + "\n";
  }
  for (const auto& e : endpoints) text += "endpoint " + std::to_string(e.weight) + " " + e.key + "\n";
  text += "indexBytes " + std::to_string(p.index_bytes) + "\n";
  if (spec.algorithm == Algorithm::kMaglev) {
    text += "slots " + p.slots + "\n";
  } else {
    text += "hashes " + p.hashes + "\n";
    text += "owners " + p.owners + "\n";
  }
  return "xxh64:" + hex16(xxHash64(text));
}

// Typed field access with errors that name the field path.
Result<const Json*> member(const Json& obj, const std::string& path, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end()) return invalidArgument(path + name + ": missing");
  return &*it;
}

Result<std::string> stringField(const Json& obj, const std::string& path, const char* name) {
  ASSIGN_OR_RETURN(const Json* v, member(obj, path, name));
  if (!v->is_string()) return invalidArgument(path + name + ": must be a string");
  return v->get<std::string>();
}

Result<uint64_t> uintField(const Json& obj, const std::string& path, const char* name) {
  ASSIGN_OR_RETURN(const Json* v, member(obj, path, name));
  if (!v->is_number_unsigned()) return invalidArgument(path + name + ": must be a non-negative integer");
  return v->get<uint64_t>();
}

Result<std::vector<uint64_t>> decodeInts(const std::string& b64, int width, const std::string& what) {
  auto bytes = base64Decode(b64);
  if (!bytes) return bytes.status().withContext(what);
  auto ints = unpackUints(*bytes, width);
  if (!ints) return ints.status().withContext(what);
  return std::move(ints).value();
}

std::vector<uint32_t> narrow(const std::vector<uint64_t>& v) {
  return std::vector<uint32_t>(v.begin(), v.end());  // values < 2^32 by construction (width <= 4)
}

// Reads the document field by field in the order docs/ring-json.md gives them, each with
// its own error: one function, so the order of the checks is the format's.
Result<Ring> parseDocument(const Json& doc) {
  if (!doc.is_object()) return invalidArgument("ring.json must be a JSON object");
  ASSIGN_OR_RETURN(auto kind, stringField(doc, "", field::kKind));
  if (kind != kRingJsonKind)
    return invalidArgument(std::string("kind: want \"") + kRingJsonKind + "\", got \"" + kind + "\"");
  ASSIGN_OR_RETURN(auto version, uintField(doc, "", field::kVersion));
  if (version != kRingJsonVersion) {
    return invalidArgument("version: unsupported ring.json version " + std::to_string(version) + " (this reads " +
                           std::to_string(kRingJsonVersion) + ")");
  }
  ASSIGN_OR_RETURN(auto algorithm_name, stringField(doc, "", field::kAlgorithm));
  auto algorithm = parseAlgorithm(algorithm_name);
  if (!algorithm) return algorithm.status().withContext(field::kAlgorithm);
  ASSIGN_OR_RETURN(auto key_hash, stringField(doc, "", field::kKeyHash));
  if (key_hash != kKeyHashName) return invalidArgument("keyHash: unsupported \"" + key_hash + "\"");

  ASSIGN_OR_RETURN(const Json* eps, member(doc, "", field::kEndpoints));
  if (!eps->is_array()) return invalidArgument("endpoints: must be a list");
  std::vector<Endpoint> endpoints;
  endpoints.reserve(eps->size());
  for (size_t i = 0; i < eps->size(); ++i) {
    const Json& e = (*eps)[i];
    const std::string path = "endpoints[" + std::to_string(i) + "].";
    if (!e.is_object()) return invalidArgument("endpoints[" + std::to_string(i) + "]: must be an object");
    ASSIGN_OR_RETURN(auto key, stringField(e, path, field::kKey));
    ASSIGN_OR_RETURN(auto weight, uintField(e, path, field::kWeight));
    if (weight == 0 || weight > UINT32_MAX) return invalidArgument(path + "weight: must be between 1 and 4294967295");
    endpoints.push_back({std::move(key), static_cast<uint32_t>(weight)});
  }
  if (endpoints.empty()) return invalidArgument("endpoints: empty");

  ASSIGN_OR_RETURN(auto index_bytes, uintField(doc, "", field::kIndexBytes));
  if (static_cast<int>(index_bytes) != indexWidth(endpoints.size())) {
    return invalidArgument("indexBytes: want " + std::to_string(indexWidth(endpoints.size())) + " for " +
                           std::to_string(endpoints.size()) + " endpoints, got " + std::to_string(index_bytes));
  }
  const int width = static_cast<int>(index_bytes);
  Payload payload;
  payload.index_bytes = width;

  auto fail = [](const Status& s, const char* what) { return s.withContext(what); };
  std::optional<Ring> ring;
  if (*algorithm == Algorithm::kMaglev) {
    ASSIGN_OR_RETURN(auto table_size, uintField(doc, "", field::kTableSize));
    ASSIGN_OR_RETURN(const Json* table, member(doc, "", field::kTable));
    if (!table->is_object()) return invalidArgument("table: must be an object");
    ASSIGN_OR_RETURN(payload.slots, stringField(*table, "table.", field::kSlots));
    ASSIGN_OR_RETURN(auto slots, decodeInts(payload.slots, width, "table.slots"));
    auto m = MaglevTable::fromSlots(table_size, std::move(endpoints), narrow(slots));
    if (!m) return fail(m.status(), "maglev table");
    ring.emplace(std::move(m).value());
  } else {
    ASSIGN_OR_RETURN(auto min_size, uintField(doc, "", field::kMinRingSize));
    ASSIGN_OR_RETURN(auto max_size, uintField(doc, "", field::kMaxRingSize));
    ASSIGN_OR_RETURN(auto hf_name, stringField(doc, "", field::kHashFunction));
    auto hf = parseHashFunction(hf_name);
    if (!hf) return fail(hf.status(), field::kHashFunction);
    ASSIGN_OR_RETURN(const Json* r, member(doc, "", field::kRing));
    if (!r->is_object()) return invalidArgument("ring: must be an object");
    ASSIGN_OR_RETURN(auto points, uintField(*r, "ring.", field::kPoints));
    ASSIGN_OR_RETURN(payload.hashes, stringField(*r, "ring.", field::kHashes));
    ASSIGN_OR_RETURN(payload.owners, stringField(*r, "ring.", field::kOwners));
    ASSIGN_OR_RETURN(auto hashes, decodeInts(payload.hashes, 8, "ring.hashes"));
    ASSIGN_OR_RETURN(auto owners, decodeInts(payload.owners, width, "ring.owners"));
    RingSpec spec;
    spec.algorithm = Algorithm::kRingHash;
    spec.minRingSize = min_size;
    spec.maxRingSize = max_size;
    if (auto s = validateSpec(spec); !s.isOk()) return s;
    // Checked before anything is rebuilt, so a small file cannot ask for a huge ring.
    if (auto want = RingHash::pointCount(min_size, max_size, endpoints); points != want) {
      return invalidArgument("ring.points: the endpoints and parameters give " + std::to_string(want) +
                             " points, the file says " + std::to_string(points));
    }
    if (hashes.size() != points) {
      return invalidArgument("ring.hashes: holds " + std::to_string(hashes.size()) + " points, ring.points says " +
                             std::to_string(points));
    }
    auto rh = RingHash::fromPoints(min_size, max_size, *hf, std::move(endpoints), std::move(hashes), narrow(owners));
    if (!rh) return fail(rh.status(), "ring");
    ring.emplace(std::move(rh).value());
  }

  ASSIGN_OR_RETURN(auto checksum, stringField(doc, "", field::kChecksum));
  const std::string want = checksumOf(ring->spec(), ring->endpoints(), payload);
  if (checksum != want) {
    return invalidArgument("checksum: the file says " + checksum.substr(0, 40) + " but its content gives " + want +
                           " (the file was altered or truncated)");
  }
  // The checksum proves the file is intact; rebuilding proves it is the ring the
  // sidecar computes from these endpoints and parameters (a few ms at default sizes).
  auto rebuilt = Ring::build(ring->spec(), ring->endpoints());
  if (!rebuilt) return rebuilt.status().withContext("rebuilding the ring");
  const MaglevTable* m = ring->maglev();
  const MaglevTable* m2 = rebuilt->maglev();
  const RingHash* rh = ring->ringHash();
  const RingHash* rh2 = rebuilt->ringHash();
  if (m != nullptr && m2 != nullptr && m->slots() != m2->slots()) {
    return invalidArgument("table: differs from the one its endpoints and parameters give");
  }
  if (rh != nullptr && rh2 != nullptr && (rh->hashes() != rh2->hashes() || rh->owners() != rh2->owners())) {
    return invalidArgument("ring: differs from the one its endpoints and parameters give");
  }
  return std::move(*ring);
}

}  // namespace

std::string ringChecksum(const Ring& ring) { return checksumOf(ring.spec(), ring.endpoints(), encodePayload(ring)); }

std::string toRingJson(const Ring& ring) {
  const Payload p = encodePayload(ring);
  const RingSpec& spec = ring.spec();
  OrderedJson doc;
  doc[field::kKind] = kRingJsonKind;
  doc[field::kVersion] = kRingJsonVersion;
  doc[field::kAlgorithm] = algorithmName(spec.algorithm);
  if (spec.algorithm == Algorithm::kMaglev) {
    doc[field::kTableSize] = spec.tableSize;
  } else {
    doc[field::kMinRingSize] = spec.minRingSize;
    doc[field::kMaxRingSize] = spec.maxRingSize;
    doc[field::kHashFunction] = hashFunctionName(spec.hashFunction);
  }
  doc[field::kKeyHash] = kKeyHashName;
  doc[field::kChecksum] = checksumOf(spec, ring.endpoints(), p);
  OrderedJson eps = OrderedJson::array();
  for (const auto& e : ring.endpoints()) eps.push_back({{field::kKey, e.key}, {field::kWeight, e.weight}});
  doc[field::kEndpoints] = std::move(eps);
  doc[field::kIndexBytes] = p.index_bytes;
  if (spec.algorithm == Algorithm::kMaglev) {
    doc[field::kTable] = {{field::kSlots, p.slots}};
  } else {
    doc[field::kRing] = {
        {field::kPoints, ring.ringHash()->hashes().size()}, {field::kHashes, p.hashes}, {field::kOwners, p.owners}};
  }
  // Keys are printable ASCII (canonicalEndpoints), so dump() cannot meet invalid UTF-8.
  return doc.dump(2) + "\n";
}

Result<Ring> parseRingJson(std::string_view text) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    return invalidArgument(std::string("ring.json is not valid JSON: ") + e.what());
  }
  return parseDocument(doc);
}

}  // namespace paymesh::ring
