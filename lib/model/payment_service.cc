#include "model/payment_service.h"

#include <set>

#include "base/json_fields.h"
#include "model/cross_field_checks.h"
#include "model/payment_service_schema.h"

namespace paymesh::model {

const char* toString(Protocol v) {
  switch (v) {
    case Protocol::kGrpc: return "GRPC";
    case Protocol::kHttp: return "HTTP";
    case Protocol::kTcp: return "TCP";
  }
  return "";
}
const char* toString(RingAlgorithm v) { return v == RingAlgorithm::kMaglev ? "Maglev" : "Ketama"; }
const char* toString(HashFunction v) { return v == HashFunction::kXxHash ? "XXHash" : "MurmurHash2"; }
const char* toString(LbPolicy v) {
  switch (v) {
    case LbPolicy::kRoundRobin: return "RoundRobin";
    case LbPolicy::kWeightedRoundRobin: return "WeightedRoundRobin";
    case LbPolicy::kLeastConnections: return "LeastConnections";
    case LbPolicy::kConsistentHash: return "ConsistentHash";
  }
  return "";
}
const char* toString(TlsMode v) {
  switch (v) {
    case TlsMode::kStrict: return "STRICT";
    case TlsMode::kPermissive: return "PERMISSIVE";
    case TlsMode::kDisable: return "DISABLE";
  }
  return "";
}

namespace {

using nlohmann::json;

// Reads an already schema-validated object; every access below is type-safe.
Nanos dur(const json& v) { return parseDuration(v.get<std::string>()).value(); }

// Field by field, in the schema's order (the schema has defaulted and checked each).
PaymentServiceSpec readSpec(const json& spec, const std::string& name) {
  PaymentServiceSpec out;
  for (const auto& [k, v] : spec.at("selector").at("matchLabels").items()) out.selector[k] = v.get<std::string>();
  for (const auto& p : spec.at("ports")) {
    Port port;
    port.name = p.at("name").get<std::string>();
    port.port = p.at("port").get<int32_t>();
    std::string proto = p.at("protocol").get<std::string>();
    port.protocol = proto == "GRPC" ? Protocol::kGrpc : proto == "TCP" ? Protocol::kTcp : Protocol::kHttp;
    out.ports.push_back(port);
  }
  out.service_account = spec.value("serviceAccount", name);

  const json& ring = spec.at("discovery").at("ring");
  out.ring.algorithm = ring.at("algorithm") == "Ketama" ? RingAlgorithm::kKetama : RingAlgorithm::kMaglev;
  out.ring.table_size = ring.value("tableSize", kDefaultMaglevTableSize);
  out.ring.virtual_nodes = ring.value("virtualNodes", kDefaultMinRingSize);
  out.ring.max_ring_size = ring.value("maxRingSize", kDefaultMaxRingSize);
  out.ring.hash_function =
      ring.value("hashFunction", "XXHash") == "MurmurHash2" ? HashFunction::kMurmurHash2 : HashFunction::kXxHash;
  const json& hk = spec.at("discovery").at("hashKey");
  if (hk.contains("header")) {
    out.hash_key.kind = HashKeyKind::kHeader;
    out.hash_key.header = hk.at("header").get<std::string>();
  } else if (hk.contains("cookie")) {
    out.hash_key.kind = HashKeyKind::kCookie;
    out.hash_key.header.clear();
    out.hash_key.cookie_name = hk.at("cookie").at("name").get<std::string>();
    if (hk.at("cookie").contains("ttl")) out.hash_key.cookie_ttl = dur(hk.at("cookie").at("ttl"));
  } else {
    out.hash_key.kind = HashKeyKind::kSourceIp;
    out.hash_key.header.clear();
  }

  std::string policy = spec.at("loadBalancing").at("policy").get<std::string>();
  out.lb_policy = policy == "RoundRobin"           ? LbPolicy::kRoundRobin
                  : policy == "WeightedRoundRobin" ? LbPolicy::kWeightedRoundRobin
                  : policy == "LeastConnections"   ? LbPolicy::kLeastConnections
                                                   : LbPolicy::kConsistentHash;

  const json& res = spec.at("resilience");
  out.resilience.timeout = dur(res.at("timeout"));
  const json& retry = res.at("retry");
  out.resilience.retry.attempts = retry.at("attempts").get<int32_t>();
  if (retry.contains("perTryTimeout")) out.resilience.retry.per_try_timeout = dur(retry.at("perTryTimeout"));
  out.resilience.retry.backoff_base = dur(retry.at("backoff").at("base"));
  out.resilience.retry.backoff_max = dur(retry.at("backoff").at("max"));
  out.resilience.retry.retry_on = retry.at("retryOn").get<std::vector<std::string>>();
  out.resilience.retry.require_idempotency_key = retry.at("requireIdempotencyKey").get<bool>();
  const json& cb = res.at("circuitBreaker");
  auto& b = out.resilience.circuit_breaker;
  b.max_connections = cb.at("maxConnections").get<int64_t>();
  b.max_pending_requests = cb.at("maxPendingRequests").get<int64_t>();
  b.max_requests = cb.at("maxRequests").get<int64_t>();
  b.max_retries = cb.at("maxRetries").get<int64_t>();
  if (cb.contains("retryBudget")) {
    const json& budget = cb.at("retryBudget");
    b.retry_budget = RetryBudget{budget.at("percent").get<int64_t>(), budget.at("minConcurrency").get<int64_t>()};
  }
  b.consecutive_errors = cb.at("consecutiveErrors").get<int64_t>();
  b.interval = dur(cb.at("interval"));
  b.base_ejection_time = dur(cb.at("baseEjectionTime"));
  b.max_ejection_percent = cb.at("maxEjectionPercent").get<int64_t>();
  if (res.contains("fallback")) out.resilience.fallback_service = res.at("fallback").at("service").get<std::string>();
  out.resilience.rate_limit = readRateLimit(res);

  if (spec.contains("dependencies")) {
    for (const auto& d : spec.at("dependencies")) {
      Dependency dep;
      dep.name = d.at("name").get<std::string>();
      if (d.contains("localPort")) dep.local_port = d.at("localPort").get<int32_t>();
      out.dependencies.push_back(dep);
    }
  }

  const json& tls = spec.at("tls");
  std::string mode = tls.at("mode").get<std::string>();
  out.tls.mode = mode == "PERMISSIVE" ? TlsMode::kPermissive : mode == "DISABLE" ? TlsMode::kDisable : TlsMode::kStrict;
  const json& cert = tls.at("certificate");
  out.tls.certificate.duration = dur(cert.at("duration"));
  if (cert.contains("renewBefore")) out.tls.certificate.renew_before = dur(cert.at("renewBefore"));
  out.tls.certificate.key_algorithm = parseKeyAlgorithm(cert.at("keyAlgorithm").get<std::string>()).value();
  if (spec.contains("authorization") && spec.at("authorization").contains("allowedCallers")) {
    out.allowed_callers = spec.at("authorization").at("allowedCallers").get<std::vector<std::string>>();
  }
  out.jwt = readJwtAuthentication(spec);
  out.required_claims = readRequiredClaims(spec);
  return out;
}

PaymentServiceStatus readStatus(const json& status) {
  PaymentServiceStatus out;
  if (!status.is_object()) return out;
  out.observed_generation = status.value(fields::kObservedGeneration, int64_t{0});
  out.endpoints = status.value(fields::kEndpoints, int64_t{0});
  out.ring_checksum = status.value(fields::kRingChecksum, "");
  out.config_hash = status.value(fields::kConfigHash, "");
  out.certificate_not_after = status.value(fields::kCertificateNotAfter, "");
  out.mounted_certificate_not_after = status.value(fields::kMountedCertificateNotAfter, "");
  if (status.contains(fields::kConditions)) {
    for (const auto& c : status.at(fields::kConditions)) {
      Condition cond;
      cond.type = c.value(fields::kType, "");
      cond.status = c.value(fields::kStatus, "");
      cond.reason = c.value(fields::kReason, "");
      cond.message = c.value(fields::kMessage, "");
      cond.last_transition_time = c.value(fields::kLastTransitionTime, "");
      cond.observed_generation = c.value(fields::kObservedGeneration, int64_t{0});
      out.conditions.push_back(cond);
    }
  }
  return out;
}

}  // namespace

std::vector<FieldError> defaultPaymentService(json& object) {
  std::vector<FieldError> errors;
  if (!object.is_object()) {
    errors.push_back({"", "a PaymentService must be an object, got " + jsonTypeName(object)});
    return errors;
  }
  // metadata is checked by parseObjectMeta; the schema walk treats it as free-form.
  defaultAndValidate(object, paymentServiceSchema(), "", errors);
  return errors;
}

ParseResult parsePaymentService(const json& input) {
  ParseResult result;
  json object = input;
  std::vector<FieldError>& errors = result.errors;
  if (!object.is_object()) {
    errors.push_back({"", "a PaymentService must be an object, got " + jsonTypeName(object)});
    return result;
  }
  auto api = object.find("apiVersion");
  if (api == object.end() || !api->is_string()) {
    errors.push_back({"apiVersion", "required field is missing"});
  } else if (*api != kApiVersion) {
    errors.push_back({"apiVersion", "unsupported apiVersion \"" + api->get<std::string>().substr(0, 64) +
                                        "\": must be " + kApiVersion});
  }
  auto kind = object.find("kind");
  if (kind == object.end() || !kind->is_string() || *kind != kKind) {
    errors.push_back({"kind", std::string("must be ") + kKind});
  }
  ObjectMeta meta = parseObjectMeta(object.value("metadata", json()), errors);
  for (auto& e : defaultPaymentService(object)) errors.push_back(std::move(e));
  if (!errors.empty()) return result;

  PaymentService ps;
  ps.metadata = meta;
  ps.spec = readSpec(object.at("spec"), meta.name);
  ps.status = readStatus(object.value("status", json()));
  ps.raw = std::move(object);
  for (auto& e : runCrossFieldChecks(ps)) errors.push_back(std::move(e));
  if (!errors.empty()) return result;
  result.object = std::move(ps);
  return result;
}

namespace {

// The status fields written only when set, so a merge patch must clear them when unset.
std::vector<std::pair<const char*, const std::string*>> optionalStatusFields(const PaymentServiceStatus& status) {
  return {{fields::kRingChecksum, &status.ring_checksum},
          {fields::kConfigHash, &status.config_hash},
          {fields::kCertificateNotAfter, &status.certificate_not_after},
          {fields::kMountedCertificateNotAfter, &status.mounted_certificate_not_after}};
}

}  // namespace

int32_t dependencyLocalPort(const PaymentServiceSpec& spec, size_t index) {
  const auto& d = spec.dependencies.at(index);
  return d.local_port ? *d.local_port : 15100 + static_cast<int32_t>(index);
}

json statusToJson(const PaymentServiceStatus& status) {
  json out = json::object();
  out[fields::kObservedGeneration] = status.observed_generation;
  json conds = json::array();
  for (const auto& c : status.conditions) {
    json jc = {{fields::kType, c.type},
               {fields::kStatus, c.status},
               {fields::kReason, c.reason},
               {fields::kMessage, c.message},
               {fields::kLastTransitionTime, c.last_transition_time},
               {fields::kObservedGeneration, c.observed_generation}};
    conds.push_back(jc);
  }
  out[fields::kConditions] = conds;
  out[fields::kEndpoints] = status.endpoints;
  for (const auto& [field, value] : optionalStatusFields(status))
    if (!value->empty()) out[field] = *value;
  return out;
}

json statusMergePatch(const PaymentServiceStatus& status) {
  json out = statusToJson(status);
  for (const auto& [field, value] : optionalStatusFields(status))
    if (value->empty()) out[field] = nullptr;  // a merge patch removes what is null
  return {{fields::kStatus, out}};
}

}  // namespace paymesh::model
