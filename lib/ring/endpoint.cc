#include "ring/endpoint.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ring/hash.h"

namespace paymesh::ring {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out += s.substr(0, 80);
  if (s.size() > 80) out += "...";
  return out + "\"";
}

}  // namespace

const char* algorithmName(Algorithm a) { return a == Algorithm::kMaglev ? "maglev" : "ring-hash"; }

const char* hashFunctionName(HashFunction h) { return h == HashFunction::kXxHash64 ? "xxHash64" : "murmurHash2"; }

Result<Algorithm> parseAlgorithm(std::string_view s) {
  const std::string l = lower(s);
  if (l == "maglev") return Algorithm::kMaglev;
  if (l == "ring-hash" || l == "ring_hash" || l == "ringhash" || l == "ketama") return Algorithm::kRingHash;
  return invalidArgument("unknown ring algorithm " + quoted(s) + " (want maglev or ring-hash)");
}

Result<HashFunction> parseHashFunction(std::string_view s) {
  const std::string l = lower(s);
  if (l == "xx" || l == "xxhash" || l == "xxhash64" || l == "xx_hash") return HashFunction::kXxHash64;
  if (l == "murmur2" || l == "murmurhash2" || l == "murmur_hash_2" || l == "murmur") {
    return HashFunction::kMurmurHash2;
  }
  return invalidArgument("unknown hash function " + quoted(s) + " (want xx or murmur2)");
}

Status validateSpec(const RingSpec& spec) {
  if (spec.algorithm == Algorithm::kMaglev) {
    if (spec.tableSize < 2 || spec.tableSize > kMaxTableSize) {
      return invalidArgument("maglev table size must be between 2 and " + std::to_string(kMaxTableSize) + ", got " +
                             std::to_string(spec.tableSize));
    }
    // Envoy refuses a non-prime size: the skip sequence only visits every slot when the
    // size is prime.
    if (!isPrime(spec.tableSize)) {
      return invalidArgument("maglev table size must be a prime number, got " + std::to_string(spec.tableSize));
    }
    return Status::ok();
  }
  if (spec.minRingSize < 1 || spec.minRingSize > kMaxRingSizeLimit) {
    return invalidArgument("minimum ring size must be between 1 and " + std::to_string(kMaxRingSizeLimit) + ", got " +
                           std::to_string(spec.minRingSize));
  }
  if (spec.maxRingSize < 1 || spec.maxRingSize > kMaxRingSizeLimit) {
    return invalidArgument("maximum ring size must be between 1 and " + std::to_string(kMaxRingSizeLimit) + ", got " +
                           std::to_string(spec.maxRingSize));
  }
  if (spec.minRingSize > spec.maxRingSize) {
    return invalidArgument("minimum ring size (" + std::to_string(spec.minRingSize) + ") > maximum ring size (" +
                           std::to_string(spec.maxRingSize) + ")");
  }
  return Status::ok();
}

Result<std::vector<Endpoint>> canonicalEndpoints(std::vector<Endpoint> endpoints) {
  if (endpoints.empty()) return invalidArgument("no endpoints: a ring needs at least one");
  uint64_t sum = 0;
  for (const auto& e : endpoints) {
    if (e.key.empty()) return invalidArgument("endpoint with an empty key");
    if (e.key.size() > kMaxKeyLength) {
      return invalidArgument("endpoint key " + quoted(e.key) + " is longer than " + std::to_string(kMaxKeyLength) +
                             " bytes");
    }
    for (char ch : e.key) {
      const auto u = static_cast<unsigned char>(ch);
      // Printable ASCII keeps ring.json and its checksum text unambiguous; pod names
      // and "ip:port" strings are.
      if (u < 0x20 || u > 0x7e) {
        return invalidArgument("endpoint key " + quoted(e.key) + " has a byte outside printable ASCII");
      }
    }
    if (e.weight == 0) return invalidArgument("endpoint " + quoted(e.key) + ": weight must be at least 1, got 0");
    sum += e.weight;
    if (sum > kMaxWeightSum) {
      return invalidArgument("the endpoint weights add up to more than " + std::to_string(kMaxWeightSum));
    }
  }
  std::sort(endpoints.begin(), endpoints.end(), [](const Endpoint& a, const Endpoint& b) { return a.key < b.key; });
  for (size_t i = 1; i < endpoints.size(); ++i) {
    if (endpoints[i].key == endpoints[i - 1].key) {
      return invalidArgument("duplicate endpoint key " + quoted(endpoints[i].key));
    }
  }
  return endpoints;
}

std::string addressKey(std::string_view ip, uint16_t port) {
  std::string out;
  const bool v6 = ip.find(':') != std::string_view::npos;
  if (v6) out += '[';
  out += ip;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

Result<uint32_t> parseWeight(std::string_view s, std::string_view what) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    if (!s.empty() && s[0] == '-') {
      return invalidArgument(std::string(what) + ": weight must be a positive integer, got " + quoted(s));
    }
    return invalidArgument(std::string(what) + ": weight is not an integer: " + quoted(s));
  }
  if (v == 0) return invalidArgument(std::string(what) + ": weight must be at least 1, got 0");
  if (v > UINT32_MAX) {
    return invalidArgument(std::string(what) + ": weight must be at most " + std::to_string(UINT32_MAX) + ", got " +
                           std::string(s));
  }
  return static_cast<uint32_t>(v);
}

Result<Endpoint> podEndpoint(std::string_view ip, uint16_t port, std::string_view hashKey,
                             std::optional<std::string_view> weightAnnotation) {
  Endpoint e;
  e.key = hashKey.empty() ? addressKey(ip, port) : std::string(hashKey);
  if (weightAnnotation) {
    ASSIGN_OR_RETURN(e.weight, parseWeight(*weightAnnotation, "annotation paymesh.io/weight"));
  }
  return e;
}

Result<Endpoint> parseEndpointSpec(std::string_view s) {
  Endpoint e;
  const auto eq = s.rfind('=');
  e.key = std::string(eq == std::string_view::npos ? s : s.substr(0, eq));
  if (e.key.empty()) return invalidArgument("endpoint " + quoted(s) + ": empty key");
  if (eq != std::string_view::npos) {
    ASSIGN_OR_RETURN(e.weight, parseWeight(s.substr(eq + 1), "endpoint " + quoted(e.key)));
  }
  return e;
}

}  // namespace paymesh::ring
