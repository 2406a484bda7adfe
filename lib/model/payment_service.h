#pragma once
// The PaymentService custom resource (paymesh.io/v1alpha1): typed values, parsed from
// JSON after schema defaulting and validation, with the cross-field rules checked.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/key_algorithm.h"
#include "model/authentication.h"
#include "model/field_path.h"
#include "model/object_meta.h"

namespace paymesh::model {

inline constexpr const char* kGroup = "paymesh.io";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "paymesh.io/v1alpha1";
inline constexpr const char* kKind = "PaymentService";
inline constexpr const char* kPlural = "paymentservices";

enum class Protocol { kGrpc, kHttp, kTcp };
enum class RingAlgorithm { kMaglev, kKetama };
enum class HashFunction { kXxHash, kMurmurHash2 };
enum class HashKeyKind { kHeader, kSourceIp, kCookie };
enum class LbPolicy { kRoundRobin, kWeightedRoundRobin, kLeastConnections, kConsistentHash };
enum class TlsMode { kStrict, kPermissive, kDisable };
using ::paymesh::KeyAlgorithm;  // defined once in lib/base, shared with the PKI

const char* toString(Protocol v);
const char* toString(RingAlgorithm v);
const char* toString(HashFunction v);
const char* toString(LbPolicy v);
const char* toString(TlsMode v);

struct Port {
  std::string name;
  int32_t port = 0;
  Protocol protocol = Protocol::kHttp;
};

inline constexpr int64_t kDefaultMaglevTableSize = 65537;
inline constexpr int64_t kMaxMaglevTableSize = 5000011;
inline constexpr int64_t kDefaultMinRingSize = 1024;
// The most points a Ketama ring may have, and the default maximum: what one pass can
// afford (docs/BENCHMARKS.md: ~0.2 s and ~27 MB for a render at it; Envoy's own default,
// 8388608, cost ~6-20 s and ~460-510 MB per pass, enough for one object to OOM-kill an
// operator limited to 256 Mi).
inline constexpr int64_t kMaxRingSize = 262144;
inline constexpr int64_t kDefaultMaxRingSize = kMaxRingSize;

struct Ring {
  RingAlgorithm algorithm = RingAlgorithm::kMaglev;
  int64_t table_size = kDefaultMaglevTableSize;        // Maglev: a prime
  int64_t virtual_nodes = kDefaultMinRingSize;         // Ketama: minimum ring size
  int64_t max_ring_size = kDefaultMaxRingSize;         // Ketama: maximum ring size
  HashFunction hash_function = HashFunction::kXxHash;  // Ketama
};

struct HashKey {
  HashKeyKind kind = HashKeyKind::kHeader;
  std::string header = "x-payment-id";
  std::string cookie_name;
  std::optional<Nanos> cookie_ttl;
};

struct Retry {
  int32_t attempts = 2;
  std::optional<Nanos> per_try_timeout;
  Nanos backoff_base = std::chrono::milliseconds(25);
  Nanos backoff_max = std::chrono::milliseconds(250);
  std::vector<std::string> retry_on;
  bool require_idempotency_key = true;
};

// Retries may take `percent` of the requests in flight, and at least `min_concurrency`.
struct RetryBudget {
  int64_t percent = 20;
  int64_t min_concurrency = 3;
};

struct CircuitBreaker {
  int64_t max_connections = 1024;
  int64_t max_pending_requests = 256;
  int64_t max_requests = 1024;
  int64_t max_retries = 3;                  // the cap on concurrent retries, unless a budget is set
  std::optional<RetryBudget> retry_budget;  // when set, replaces max_retries
  int64_t consecutive_errors = 5;
  Nanos interval = std::chrono::seconds(10);
  Nanos base_ejection_time = std::chrono::seconds(30);
  int64_t max_ejection_percent = 50;
};

struct Resilience {
  Nanos timeout = std::chrono::seconds(5);
  Retry retry;
  CircuitBreaker circuit_breaker;
  std::optional<std::string> fallback_service;
  std::optional<RateLimit> rate_limit;  // inbound: protects this service from its callers
};

struct Dependency {
  std::string name;
  std::optional<int32_t> local_port;
};

struct Certificate {
  Nanos duration = std::chrono::hours(24);
  std::optional<Nanos> renew_before;  // unset: renew at 2/3 of the lifetime
  KeyAlgorithm key_algorithm = KeyAlgorithm::kEcdsaP256;
};

struct Tls {
  TlsMode mode = TlsMode::kStrict;
  Certificate certificate;
};

struct PaymentServiceSpec {
  std::map<std::string, std::string> selector;  // matchLabels
  std::vector<Port> ports;
  std::string service_account;  // defaulted to metadata.name when absent
  Ring ring;
  HashKey hash_key;
  LbPolicy lb_policy = LbPolicy::kConsistentHash;
  Resilience resilience;
  std::vector<Dependency> dependencies;
  Tls tls;
  std::vector<std::string> allowed_callers;
  std::optional<JwtAuthentication> jwt;        // spec.authentication.jwt
  std::vector<RequiredClaim> required_claims;  // spec.authorization.requiredClaims
};

struct Condition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
  std::string message;
  std::string last_transition_time;  // RFC 3339
  int64_t observed_generation = 0;
  bool operator==(const Condition&) const = default;
};

struct PaymentServiceStatus {
  int64_t observed_generation = 0;
  std::vector<Condition> conditions;
  int64_t endpoints = 0;
  std::string ring_checksum;
  std::string config_hash;
  std::string certificate_not_after;  // RFC 3339
  // The earliest expiry a running sidecar may still present: the Secret's certificate,
  // or the one it replaced until the kubelet has had time to mount the new one.
  std::string mounted_certificate_not_after;  // RFC 3339
};

struct PaymentService {
  ObjectMeta metadata;
  PaymentServiceSpec spec;
  PaymentServiceStatus status;
  nlohmann::json raw;  // the defaulted object as parsed, for round trips
};

// Defaults, validates (schema and cross-field rules) and parses a PaymentService
// object. On errors `object` is empty and `errors` lists every problem with its path.
struct ParseResult {
  std::optional<PaymentService> object;
  std::vector<FieldError> errors;
};
ParseResult parsePaymentService(const nlohmann::json& object);

// Defaults a PaymentService object in place without validating (what the API server
// stores), returning the errors the schema walk found.
std::vector<FieldError> defaultPaymentService(nlohmann::json& object);

// The effective port a dependency is reached at on 127.0.0.1: localPort, or
// 15100 + its position in the declared list.
int32_t dependencyLocalPort(const PaymentServiceSpec& spec, size_t index);

// Serializes a status for the status subresource.
nlohmann::json statusToJson(const PaymentServiceStatus& status);
// {"status": ...} as a JSON merge patch of the status subresource: what statusToJson
// leaves out (no ring, no certificate yet) is null, so a stale value is removed.
nlohmann::json statusMergePatch(const PaymentServiceStatus& status);

}  // namespace paymesh::model
