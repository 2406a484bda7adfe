#include "model/cross_field_checks.h"

#include <functional>
#include <map>
#include <set>

#include "model/payment_service.h"
#include "model/payment_service_schema.h"

namespace paymesh::model {
namespace {

using Check = std::function<bool(const PaymentService&)>;  // true: the rule is violated

// Whether a field was given explicitly (CEL's has()), read from the defaulted object.
bool hasRingField(const PaymentService& ps, const char* field) {
  return ps.raw.at("spec").at("discovery").at("ring").contains(field);
}

const nlohmann::json& jwtProvidersRaw(const PaymentService& ps) {
  return ps.raw.at("spec").at("authentication").at("jwt").at("providers");
}

// Whether the service has an HTTP or GRPC port (named `name`, when given).
bool hasHttpPort(const PaymentService& ps, const std::optional<std::string>& name) {
  for (const auto& p : ps.spec.ports)
    if (p.protocol != Protocol::kTcp && (!name || p.name == *name)) return true;
  return false;
}

// A table: one entry per rule, named as in the CRD's x-kubernetes-validations.
const std::map<std::string, Check>& checks() {
  static const std::map<std::string, Check> table = {
      {"ports-unique-numbers",
       [](const PaymentService& ps) {
         std::set<int32_t> seen;
         for (const auto& p : ps.spec.ports) {
           if (!seen.insert(p.port).second) return true;
         }
         return false;
       }},
      {"ring-tablesize-maglev",
       [](const PaymentService& ps) {
         return hasRingField(ps, "tableSize") && ps.spec.ring.algorithm != RingAlgorithm::kMaglev;
       }},
      {"ring-ketama-fields",
       [](const PaymentService& ps) {
         return ps.spec.ring.algorithm != RingAlgorithm::kKetama &&
                (hasRingField(ps, "virtualNodes") || hasRingField(ps, "maxRingSize") ||
                 hasRingField(ps, "hashFunction"));
       }},
      {"ring-size-order",
       [](const PaymentService& ps) { return ps.spec.ring.virtual_nodes > ps.spec.ring.max_ring_size; }},
      {"ring-tablesize-prime",
       [](const PaymentService& ps) { return hasRingField(ps, "tableSize") && !isPrime(ps.spec.ring.table_size); }},
      {"hashkey-exactly-one",
       [](const PaymentService& ps) {
         const auto& hk = ps.raw.at("spec").at("discovery").at("hashKey");
         return hk.contains("header") + hk.contains("sourceIP") + hk.contains("cookie") != 1;
       }},
      {"hashkey-sourceip-true",
       [](const PaymentService& ps) {
         const auto& hk = ps.raw.at("spec").at("discovery").at("hashKey");
         return hk.contains("sourceIP") && !hk.at("sourceIP").get<bool>();
       }},
      {"retry-backoff-order",
       [](const PaymentService& ps) {
         return ps.spec.resilience.retry.backoff_base > ps.spec.resilience.retry.backoff_max;
       }},
      {"retry-per-try-within-timeout",
       [](const PaymentService& ps) {
         const auto& r = ps.spec.resilience;
         return r.retry.per_try_timeout && *r.retry.per_try_timeout > r.timeout;
       }},
      {"dependencies-unique-local-ports",
       [](const PaymentService& ps) {
         std::set<int32_t> seen;
         for (const auto& d : ps.spec.dependencies) {
           if (d.local_port && !seen.insert(*d.local_port).second) return true;
         }
         return false;
       }},
      {"dependencies-local-port-range",
       [](const PaymentService& ps) {
         auto n = static_cast<int32_t>(ps.spec.dependencies.size());
         for (const auto& d : ps.spec.dependencies) {
           if (d.local_port && *d.local_port >= 15100 && *d.local_port < 15100 + n) return true;
         }
         return false;
       }},
      {"cert-renew-before-duration",
       [](const PaymentService& ps) {
         const auto& c = ps.spec.tls.certificate;
         return c.renew_before && *c.renew_before >= c.duration;
       }},
      {"authorization-needs-tls",
       [](const PaymentService& ps) {
         return !ps.spec.allowed_callers.empty() && ps.spec.tls.mode == TlsMode::kDisable;
       }},
      {"jwks-exactly-one",
       [](const PaymentService& ps) {
         if (!ps.spec.jwt) return false;
         for (const auto& p : jwtProvidersRaw(ps)) {
           const auto& j = p.at("jwks");
           if (j.contains("configMap") + j.contains("secret") + j.contains("remote") != 1) return true;
         }
         return false;
       }},
      {"jwt-rule-providers-declared",
       [](const PaymentService& ps) {
         if (!ps.spec.jwt) return false;
         std::set<std::string> declared;
         for (const auto& p : ps.spec.jwt->providers) declared.insert(p.name);
         for (const auto& r : ps.spec.jwt->rules)
           for (const auto& p : r.providers)
             if (!declared.count(p)) return true;
         return false;
       }},
      {"jwt-rule-ports-exist",
       [](const PaymentService& ps) {
         if (!ps.spec.jwt) return false;
         for (const auto& r : ps.spec.jwt->rules)
           for (const auto& name : r.ports)
             if (!hasHttpPort(ps, name)) return true;
         return false;
       }},
      {"jwt-needs-http-port", [](const PaymentService& ps) { return ps.spec.jwt && !hasHttpPort(ps, std::nullopt); }},
      {"jwt-needs-inbound",
       [](const PaymentService& ps) { return ps.spec.jwt && ps.spec.tls.mode == TlsMode::kDisable; }},
      {"required-claims-need-jwt",
       [](const PaymentService& ps) { return !ps.spec.required_claims.empty() && !ps.spec.jwt; }},
      {"ratelimit-burst",
       [](const PaymentService& ps) {
         const auto& rl = ps.spec.resilience.rate_limit;
         return rl && rl->burst < rl->requests_per_second;
       }},
      {"ratelimit-needs-inbound",
       [](const PaymentService& ps) { return ps.spec.resilience.rate_limit && ps.spec.tls.mode == TlsMode::kDisable; }},
      {"ratelimit-per-caller-needs-callers",
       [](const PaymentService& ps) {
         const auto& rl = ps.spec.resilience.rate_limit;
         return rl && rl->per_caller && ps.spec.allowed_callers.empty();
       }},
      {"fallback-not-self",
       [](const PaymentService& ps) {
         return ps.spec.resilience.fallback_service && *ps.spec.resilience.fallback_service == ps.metadata.name;
       }},
      {"dependency-not-self",
       [](const PaymentService& ps) {
         for (const auto& d : ps.spec.dependencies) {
           if (d.name == ps.metadata.name) return true;
         }
         return false;
       }},
  };
  return table;
}

}  // namespace

bool hasCrossFieldCheck(const std::string& rule_id) { return checks().count(rule_id) > 0; }

std::vector<FieldError> runCrossFieldChecks(const PaymentService& ps) {
  std::vector<FieldError> errors;
  for (const auto& located : allCelRules(paymentServiceSchema())) {
    auto it = checks().find(located.rule.id);
    if (it == checks().end()) {
      errors.push_back({located.path, "internal error: no check for rule " + located.rule.id});
      continue;
    }
    if (it->second(ps)) {
      std::string path = located.path;
      const std::string& fp = located.rule.field_path;
      if (!fp.empty()) {
        if (path.empty())
          path = fp.substr(1);
        else
          path += fp;
      }
      errors.push_back({path, located.rule.message});
    }
  }
  return errors;
}

}  // namespace paymesh::model
