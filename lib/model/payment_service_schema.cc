#include "model/payment_service_schema.h"

#include "base/json_fields.h"
#include "model/authentication_schema.h"
#include "model/payment_service.h"

namespace paymesh::model {

bool isPrime(int64_t n) {
  if (n < 2) return false;
  for (int64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

std::vector<int64_t> trialDivisionPrimes() {
  std::vector<int64_t> out;
  for (int64_t p = 2; p * p <= kMaxMaglevTableSize; ++p) {
    if (isPrime(p)) out.push_back(p);
  }
  // One more so that p*p > n holds for the largest allowed n.
  int64_t next = out.back() + 1;
  while (!isPrime(next)) ++next;
  out.push_back(next);
  return out;
}

namespace {

using nlohmann::json;

SchemaPtr withRules(const SchemaPtr& x, std::vector<CelRule> rules) {
  return s::with(x, [&](Schema& m) {
    for (auto& r : rules) m.rules.push_back(std::move(r));
  });
}

std::string primeRule() {
  std::string list;
  for (int64_t p : trialDivisionPrimes()) {
    if (!list.empty()) list += ",";
    list += std::to_string(p);
  }
  return "!has(self.tableSize) || (self.tableSize > 1 && [" + list +
         "].all(p, p * p > self.tableSize || p == self.tableSize || self.tableSize % p != 0))";
}

std::vector<CelRule> specRules();

// One declaration of the whole spec, field by field in the order of the CRD it generates:
// read top-down it is the API; split into pieces it would only be scattered.
SchemaPtr buildSpec() {
  auto selector =
      s::object("Which pods are this service's endpoints.",
                {{"matchLabels",
                  s::with(s::stringMap("Labels every endpoint pod carries.", Format::kLabelKey, Format::kLabelValue),
                          [](Schema& m) { m.min_properties = 1; })}},
                {"matchLabels"});

  auto port = s::object(
      "A port the application listens on.",
      {{"name", s::string("Port name, unique in the list.", Format::kDns1123Label)},
       {"port", s::integer("Port number the application listens on, on 127.0.0.1 inside the pod.", 1, 65535)},
       {"protocol", s::withDefault(s::enumeration("Application protocol.", {"GRPC", "HTTP", "TCP"}), "HTTP")}},
      {"name", "port"});
  auto ports = s::with(s::array("Ports of the service.", port), [](Schema& m) {
    m.min_items = 1;
    m.max_items = 16;
    m.list_type = "map";
    m.list_map_keys = {"name"};
    m.rules.push_back({"ports-unique-numbers", "self.all(p, self.filter(q, q.port == p.port).size() == 1)",
                       "port numbers must be unique", ""});
  });

  auto ring = withRules(
      s::withDefault(
          s::object(
              "The consistent-hash ring callers build over this service's endpoints.",
              {{"algorithm", s::withDefault(s::enumeration("Ring algorithm.", {"Maglev", "Ketama"}), "Maglev")},
               {"tableSize", s::integer("Maglev lookup table size, a prime (default 65537).", 2, kMaxMaglevTableSize)},
               {"virtualNodes",
                s::integer("Ketama: minimum number of points on the ring (default 1024).", 1, kMaxRingSize)},
               {"maxRingSize", s::integer("Ketama: maximum number of points on the ring (default " +
                                              std::to_string(kDefaultMaxRingSize) + ", also the most allowed).",
                                          1, kMaxRingSize)},
               {"hashFunction",
                s::enumeration("Ketama: hash of the ring points (default XXHash).", {"XXHash", "MurmurHash2"})}}),
          json::object()),
      {{"ring-tablesize-maglev", "!has(self.tableSize) || self.algorithm == 'Maglev'",
        "tableSize applies only to algorithm Maglev", ".tableSize"},
       {"ring-ketama-fields",
        "self.algorithm == 'Ketama' || (!has(self.virtualNodes) && !has(self.maxRingSize) && !has(self.hashFunction))",
        "virtualNodes, maxRingSize and hashFunction apply only to algorithm Ketama", ""},
       {"ring-size-order",
        "(has(self.virtualNodes) ? self.virtualNodes : " + std::to_string(kDefaultMinRingSize) +
            ") <= (has(self.maxRingSize) ? self.maxRingSize : " + std::to_string(kDefaultMaxRingSize) + ")",
        "virtualNodes must not exceed maxRingSize", ".virtualNodes"},
       {"ring-tablesize-prime", primeRule(), "tableSize must be a prime number", ".tableSize"}});

  auto cookie =
      s::object("Hash on a cookie; the sidecar sets it when absent.",
                {{"name", s::string("Cookie name.", Format::kHttpHeaderName)},
                 {"ttl", s::duration("Lifetime of a generated cookie; 0s makes it a session cookie.", "0s", "8760h")}},
                {"name"});
  auto hash_key = withRules(
      s::withDefault(s::object("What a request is hashed on to pick an endpoint.",
                               {{"header", s::string("Hash on this request header.", Format::kHttpHeaderName)},
                                {"sourceIP", s::boolean("Hash on the caller's IP address.")},
                                {"cookie", cookie}}),
                     json{{"header", "x-payment-id"}}),
      {{"hashkey-exactly-one",
        "(has(self.header) ? 1 : 0) + (has(self.sourceIP) ? 1 : 0) + (has(self.cookie) ? 1 : 0) == 1",
        "exactly one of header, sourceIP and cookie must be set", ""},
       {"hashkey-sourceip-true", "!has(self.sourceIP) || self.sourceIP", "sourceIP, when set, must be true",
        ".sourceIP"}});

  auto discovery = s::withDefault(s::object("Discovery ring and hash key.", {{"ring", ring}, {"hashKey", hash_key}}),
                                  json::object());

  auto load_balancing = s::withDefault(
      s::object("How callers balance over this service's endpoints.",
                {{"policy", s::withDefault(s::enumeration("Balancing policy.", {"RoundRobin", "WeightedRoundRobin",
                                                                                "LeastConnections", "ConsistentHash"}),
                                           "ConsistentHash")}}),
      json::object());

  auto backoff = withRules(
      s::withDefault(s::object("Exponential backoff between retries.",
                               {{"base", s::withDefault(s::duration("Base interval.", "1ms", "1m"), "25ms")},
                                {"max", s::withDefault(s::duration("Maximum interval.", "1ms", "5m"), "250ms")}}),
                     json::object()),
      {{"retry-backoff-order", "duration(self.base) <= duration(self.max)", "base must not exceed max", ".base"}});

  auto retry_on = s::with(
      s::array("Conditions that allow a retry.",
               s::enumeration("A retry condition.",
                              {"connect-failure", "refused-stream", "unavailable", "cancelled", "deadline-exceeded",
                               "resource-exhausted", "internal", "reset", "retriable-4xx", "5xx", "gateway-error"})),
      [](Schema& m) {
        m.list_type = "set";
        m.max_items = 11;
        m.default_value = json::array({"connect-failure", "refused-stream", "unavailable"});
      });

  auto retry = s::withDefault(
      s::object(
          "Retries of failed requests.",
          {{"attempts", s::withDefault(s::integer("Retries after the first try (0 disables).", 0, 10), 2)},
           {"perTryTimeout", s::duration("Timeout of each try (default: the request timeout).", "1ms", "1h")},
           {"backoff", backoff},
           {"retryOn", retry_on},
           {"requireIdempotencyKey",
            s::withDefault(s::boolean("Retry only requests that carry the mesh's idempotency-key header."), true)}}),
      json::object());

  auto retry_budget = s::object(
      "Concurrent retries as a share of the requests in flight, instead of the fixed maxRetries cap.",
      {{"percent",
        s::withDefault(s::integer("Retries in flight, in percent of the active requests (default 20).", 1, 100), 20)},
       {"minConcurrency",
        s::withDefault(s::integer("Concurrent retries always allowed, whatever the traffic (default 3).", 0, 1000000),
                       3)}});

  auto breaker = s::withDefault(
      s::object(
          "Circuit breaking and outlier ejection.",
          {{"maxConnections", s::withDefault(s::integer("Maximum connections to the service.", 1, 1000000), 1024)},
           {"maxPendingRequests", s::withDefault(s::integer("Maximum queued requests.", 1, 1000000), 256)},
           {"maxRequests", s::withDefault(s::integer("Maximum concurrent requests.", 1, 1000000), 1024)},
           {"maxRetries",
            s::withDefault(s::integer("Maximum concurrent retries from one caller's sidecar to the service (the cap; "
                                      "ignored when retryBudget is set).",
                                      0, 1000000),
                           3)},
           {"retryBudget", retry_budget},
           {"consecutiveErrors", s::withDefault(s::integer("Consecutive errors that eject an endpoint.", 1, 1000), 5)},
           {"interval", s::withDefault(s::duration("Interval between ejection sweeps.", "1ms", "1h"), "10s")},
           {"baseEjectionTime",
            s::withDefault(s::duration("Base time an endpoint stays ejected.", "1ms", "1h"), "30s")},
           {"maxEjectionPercent",
            s::withDefault(s::integer("Most endpoints, in percent, that may be ejected at once.", 0, 100), 50)}}),
      json::object());

  auto fallback = s::object(
      "Failover when every endpoint is out.",
      {{"service", s::string("PaymentService, in the same namespace, to fail over to.", Format::kDns1123Label)}},
      {"service"});

  auto resilience = withRules(
      s::withDefault(s::object("Timeouts, retries, circuit breaking and fallback applied by every caller.",
                               {{"timeout", s::withDefault(s::duration("Whole-request timeout.", "1ms", "1h"), "5s")},
                                {"retry", retry},
                                {"circuitBreaker", breaker},
                                {"fallback", fallback},
                                {"rateLimit", rateLimitSchema()}}),
                     json::object()),
      {{"retry-per-try-within-timeout",
        "!has(self.retry) || !has(self.retry.perTryTimeout) || duration(self.retry.perTryTimeout) <= "
        "duration(self.timeout)",
        "retry.perTryTimeout must not exceed timeout", ".retry.perTryTimeout"}});

  auto dependency = s::object(
      "A PaymentService this service calls.",
      {{"name", s::string("Name of the PaymentService, in the same namespace.", Format::kDns1123Label)},
       {"localPort",
        s::integer("Port on 127.0.0.1 the application reaches it at (default 15100 + position).", 1024, 65535)}},
      {"name"});
  auto dependencies = s::with(s::array("What this service calls.", dependency), [](Schema& m) {
    m.max_items = 64;
    m.list_type = "map";
    m.list_map_keys = {"name"};
    m.rules.push_back(
        {"dependencies-unique-local-ports",
         "self.all(d, !has(d.localPort) || self.filter(e, has(e.localPort) && e.localPort == d.localPort).size() == 1)",
         "localPort values must be unique", ""});
    m.rules.push_back({"dependencies-local-port-range",
                       "self.all(d, !has(d.localPort) || d.localPort < 15100 || d.localPort >= 15100 + size(self))",
                       "an explicit localPort must not fall in 15100..15100+N-1, the ports given by position", ""});
  });

  auto certificate = withRules(
      s::withDefault(
          s::object(
              "The workload certificate.",
              {{"duration", s::withDefault(s::duration("Certificate lifetime.", "5m", "8760h"), "24h")},
               {"renewBefore",
                s::duration("Renew this long before expiry (default: a third of the lifetime).", "1s", "8760h")},
               {"keyAlgorithm", s::withDefault(s::enumeration("Key algorithm.", keyAlgorithmNames()), "ECDSAP256")}}),
          json::object()),
      {{"cert-renew-before-duration", "!has(self.renewBefore) || duration(self.renewBefore) < duration(self.duration)",
        "renewBefore must be shorter than duration", ".renewBefore"}});

  auto tls = s::withDefault(
      s::object("Mutual TLS between sidecars.",
                {{"mode", s::withDefault(s::enumeration("STRICT requires mTLS; PERMISSIVE also accepts plain text; "
                                                        "DISABLE turns it off.",
                                                        {"STRICT", "PERMISSIVE", "DISABLE"}),
                                         "STRICT")},
                 {"certificate", certificate}}),
      json::object());

  auto allowed_callers = s::with(s::array("PaymentServices allowed to call this one; empty allows any meshed caller.",
                                          s::string("A PaymentService name.", Format::kDns1123Label)),
                                 [](Schema& m) {
                                   m.list_type = "set";
                                   m.max_items = 256;
                                 });
  auto authorization = s::object("Who may call this service.",
                                 {{"allowedCallers", allowed_callers}, {"requiredClaims", requiredClaimsSchema()}});

  return withRules(
      s::object("Desired state of a PaymentService.",
                {{"selector", selector},
                 {"ports", ports},
                 {"serviceAccount", s::string("Service account (identity) of the pods; default: the service's name.",
                                              Format::kDns1123Subdomain)},
                 {"discovery", discovery},
                 {"loadBalancing", load_balancing},
                 {"resilience", resilience},
                 {"dependencies", dependencies},
                 {"tls", tls},
                 {"authentication", authenticationSchema()},
                 {"authorization", authorization}},
                {"selector", "ports"}),
      specRules());
}

std::vector<CelRule> specRules() {
  std::vector<CelRule> rules = {
      {"authorization-needs-tls",
       "!has(self.authorization) || !has(self.authorization.allowedCallers) || "
       "size(self.authorization.allowedCallers) == 0 || self.tls.mode != 'DISABLE'",
       "authorization.allowedCallers needs tls.mode STRICT or PERMISSIVE: callers are identified by their "
       "certificates",
       ".authorization.allowedCallers"}};
  for (auto& r : authenticationSpecRules()) rules.push_back(std::move(r));
  return rules;
}

SchemaPtr buildStatus() {
  auto condition = s::object(
      "A condition, as metav1.Condition.",
      {{fields::kType, s::with(s::string("Condition type."), [](Schema& m) { m.max_length = 316; })},
       {fields::kStatus, s::enumeration("Condition status.", {"True", "False", "Unknown"})},
       {fields::kReason,
        s::with(s::string("Machine-readable reason, CamelCase."), [](Schema& m) { m.max_length = 1024; })},
       {fields::kMessage, s::with(s::string("Human-readable message."), [](Schema& m) { m.max_length = 32768; })},
       {fields::kLastTransitionTime,
        s::with(s::string("When the status last changed."), [](Schema& m) { m.openapi_format = "date-time"; })},
       {fields::kObservedGeneration, s::integer("Generation the condition was set for.", 0, std::nullopt)}},
      {fields::kType, fields::kStatus, fields::kLastTransitionTime});
  auto conditions = s::with(s::array("Latest observations.", condition), [](Schema& m) {
    m.list_type = "map";
    m.list_map_keys = {"type"};
    m.max_items = 16;
  });
  return s::object("Observed state of a PaymentService.",
                   {{fields::kObservedGeneration, s::integer("Generation last reconciled.", 0, std::nullopt)},
                    {fields::kConditions, conditions},
                    {fields::kEndpoints, s::integer("Ready endpoints in the ring.", 0, std::nullopt)},
                    {fields::kRingChecksum, s::string("Checksum of the published ring.json.")},
                    {fields::kConfigHash, s::string("Hash of the rendered sidecar configuration.")},
                    {fields::kCertificateNotAfter, s::with(s::string("Expiry of the current workload certificate."),
                                                           [](Schema& m) { m.openapi_format = "date-time"; })},
                    {fields::kMountedCertificateNotAfter,
                     s::with(s::string("Earliest expiry a running sidecar may still present: the current certificate, "
                                       "or the one it replaced until the kubelet has had time to mount the new one."),
                             [](Schema& m) { m.openapi_format = "date-time"; })}});
}

SchemaPtr buildRoot() {
  auto spec = buildSpec();
  auto status = buildStatus();
  return withRules(s::object("PaymentService declares a payment-system service in the mesh: its pods, what it calls, "
                             "and how callers balance, break, retry and fall back over it.",
                             {{"apiVersion", s::string("paymesh.io/v1alpha1")},
                              {"kind", s::string("PaymentService")},
                              {"metadata", s::freeForm("Standard object metadata.")},
                              {"spec", spec},
                              {"status", status}},
                             {"spec"}),
                   {{"fallback-not-self",
                     "!has(self.spec.resilience) || !has(self.spec.resilience.fallback) || "
                     "self.spec.resilience.fallback.service != self.metadata.name",
                     "must name another PaymentService, not this one", ".spec.resilience.fallback.service"},
                    {"dependency-not-self",
                     "!has(self.spec.dependencies) || self.spec.dependencies.all(d, d.name != self.metadata.name)",
                     "must not name the PaymentService itself", ".spec.dependencies"}});
}

void collectRules(const Schema& node, const std::string& path, std::vector<LocatedRule>& out) {
  for (const auto& r : node.rules) out.push_back({path, r});
  for (const auto& [name, child] : node.properties) collectRules(*child, childPath(path, name), out);
  if (node.items) collectRules(*node.items, path + "[*]", out);
}

}  // namespace

const Schema& paymentServiceSchema() {
  static const SchemaPtr root = buildRoot();
  return *root;
}

const Schema& paymentServiceSpecSchema() { return *paymentServiceSchema().property("spec"); }
const Schema& paymentServiceStatusSchema() { return *paymentServiceSchema().property("status"); }

std::vector<LocatedRule> allCelRules(const Schema& root) {
  std::vector<LocatedRule> out;
  collectRules(root, "", out);
  return out;
}

}  // namespace paymesh::model
