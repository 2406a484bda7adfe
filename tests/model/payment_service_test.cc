#include "model/payment_service.h"

#include <gtest/gtest.h>

#include "test_objects.h"

namespace paymesh::model {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(PaymentServiceTest, ParsesEveryField) {
  auto r = parsePaymentService(testing::validPaymentService());
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  const auto& ps = *r.object;
  EXPECT_EQ(ps.metadata.name, "settlement");
  EXPECT_EQ(ps.metadata.namespace_, "payments");
  EXPECT_EQ(ps.metadata.labels.at("team"), "core");
  EXPECT_EQ(ps.spec.selector.at("app"), "settlement");
  ASSERT_EQ(ps.spec.ports.size(), 1u);
  EXPECT_EQ(ps.spec.ports[0].protocol, Protocol::kGrpc);
  EXPECT_EQ(ps.spec.ring.algorithm, RingAlgorithm::kMaglev);
  EXPECT_EQ(ps.spec.ring.table_size, 65537);
  EXPECT_EQ(ps.spec.hash_key.kind, HashKeyKind::kHeader);
  EXPECT_EQ(ps.spec.hash_key.header, "x-payment-id");
  EXPECT_EQ(ps.spec.lb_policy, LbPolicy::kConsistentHash);
  EXPECT_EQ(ps.spec.resilience.timeout, seconds(2));
  EXPECT_EQ(ps.spec.resilience.retry.attempts, 3);
  EXPECT_EQ(ps.spec.resilience.retry.per_try_timeout, milliseconds(500));
  EXPECT_EQ(ps.spec.resilience.retry.retry_on,
            (std::vector<std::string>{"connect-failure", "refused-stream", "unavailable"}));
  EXPECT_EQ(ps.spec.resilience.circuit_breaker.base_ejection_time, seconds(30));
  EXPECT_EQ(ps.spec.resilience.fallback_service, "settlement-standby");
  ASSERT_EQ(ps.spec.dependencies.size(), 1u);
  EXPECT_EQ(dependencyLocalPort(ps.spec, 0), 15201);
  EXPECT_EQ(ps.spec.tls.mode, TlsMode::kStrict);
  EXPECT_EQ(ps.spec.tls.certificate.renew_before, hours(8));
  EXPECT_EQ(ps.spec.allowed_callers, std::vector<std::string>{"payment"});
}

TEST(PaymentServiceTest, AppliesTheCrdDefaults) {
  auto r = parsePaymentService(testing::minimalPaymentService());
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  const auto& spec = r.object->spec;
  EXPECT_EQ(r.object->metadata.namespace_, "default");
  EXPECT_EQ(spec.service_account, "ledger");  // defaults to the name
  EXPECT_EQ(spec.ports[0].protocol, Protocol::kHttp);
  EXPECT_EQ(spec.ring.algorithm, RingAlgorithm::kMaglev);
  EXPECT_EQ(spec.ring.table_size, 65537);
  EXPECT_EQ(spec.hash_key.header, "x-payment-id");
  EXPECT_EQ(spec.lb_policy, LbPolicy::kConsistentHash);
  EXPECT_EQ(spec.resilience.timeout, seconds(5));
  EXPECT_EQ(spec.resilience.retry.attempts, 2);
  EXPECT_FALSE(spec.resilience.retry.per_try_timeout.has_value());
  EXPECT_TRUE(spec.resilience.retry.require_idempotency_key);
  EXPECT_EQ(spec.resilience.retry.backoff_base, milliseconds(25));
  EXPECT_EQ(spec.resilience.circuit_breaker.max_connections, 1024);
  EXPECT_EQ(spec.resilience.circuit_breaker.max_ejection_percent, 50);
  EXPECT_EQ(spec.resilience.circuit_breaker.max_retries, 3);
  EXPECT_FALSE(spec.resilience.circuit_breaker.retry_budget.has_value());  // the cap, unless asked
  EXPECT_EQ(spec.tls.mode, TlsMode::kStrict);
  EXPECT_EQ(spec.tls.certificate.duration, hours(24));
  EXPECT_FALSE(spec.tls.certificate.renew_before.has_value());
  EXPECT_EQ(spec.tls.certificate.key_algorithm, KeyAlgorithm::kEcdsaP256);
  // The defaulted object is what the API server would store.
  EXPECT_EQ(r.object->raw["spec"]["resilience"]["retry"]["retryOn"],
            json::array({"connect-failure", "refused-stream", "unavailable"}));
  EXPECT_EQ(r.object->raw["spec"]["discovery"]["hashKey"], json({{"header", "x-payment-id"}}));
}

TEST(PaymentServiceTest, KetamaDefaults) {
  json v = testing::minimalPaymentService();
  v["spec"]["discovery"] = {{"ring", {{"algorithm", "Ketama"}}}};
  auto r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  EXPECT_EQ(r.object->spec.ring.virtual_nodes, 1024);
  EXPECT_EQ(r.object->spec.ring.max_ring_size, 262144);
  EXPECT_EQ(r.object->spec.ring.hash_function, HashFunction::kXxHash);
}

TEST(PaymentServiceTest, HashKeyVariants) {
  json v = testing::minimalPaymentService();
  v["spec"]["discovery"] = {{"hashKey", {{"cookie", {{"name", "route"}, {"ttl", "1h"}}}}}};
  auto r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.object->spec.hash_key.kind, HashKeyKind::kCookie);
  EXPECT_EQ(r.object->spec.hash_key.cookie_name, "route");
  EXPECT_EQ(r.object->spec.hash_key.cookie_ttl, hours(1));
  v["spec"]["discovery"] = {{"hashKey", {{"sourceIP", true}}}};
  r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.object->spec.hash_key.kind, HashKeyKind::kSourceIp);
}

TEST(PaymentServiceTest, DependencyPortsByPosition) {
  json v = testing::minimalPaymentService();
  v["spec"]["dependencies"] = {{{"name", "a"}}, {{"name", "b"}, {"localPort", 16000}}, {{"name", "c"}}};
  auto r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  EXPECT_EQ(dependencyLocalPort(r.object->spec, 0), 15100);
  EXPECT_EQ(dependencyLocalPort(r.object->spec, 1), 16000);
  EXPECT_EQ(dependencyLocalPort(r.object->spec, 2), 15102);
}

struct EnvelopeCase {
  const char* name;
  std::function<void(json&)> mutate;
  std::string path;
  std::string message_part;
};

TEST(PaymentServiceTest, EnvelopeErrors) {
  const EnvelopeCase cases[] = {
      {"wrong apiVersion", [](json& v) { v["apiVersion"] = "paymesh.io/v2"; }, "apiVersion", "unsupported apiVersion"},
      {"no apiVersion", [](json& v) { v.erase("apiVersion"); }, "apiVersion", "required"},
      {"wrong kind", [](json& v) { v["kind"] = "Service"; }, "kind", "must be PaymentService"},
      {"no metadata", [](json& v) { v.erase("metadata"); }, "metadata", "required"},
      {"no name", [](json& v) { v["metadata"].erase("name"); }, "metadata.name", "required"},
      {"bad name", [](json& v) { v["metadata"]["name"] = "Bad_Name"; }, "metadata.name", "RFC 1123 label"},
      {"name not a string", [](json& v) { v["metadata"]["name"] = 3; }, "metadata.name", "must be a string"},
      {"bad namespace", [](json& v) { v["metadata"]["namespace"] = "A"; }, "metadata.namespace", "RFC 1123"},
      {"unknown metadata", [](json& v) { v["metadata"]["colour"] = "x"; }, "metadata.colour", "unknown field"},
      {"bad label",
       [](json& v) {
         v["metadata"]["labels"] = {{"a", 1}};
       },
       "metadata.labels.a", "must be a string"},
      {"no spec", [](json& v) { v.erase("spec"); }, "spec", "required"},
      {"unknown top-level", [](json& v) { v["specs"] = json::object(); }, "specs", "unknown field"},
  };
  for (const auto& c : cases) {
    json v = testing::validPaymentService();
    c.mutate(v);
    auto r = parsePaymentService(v);
    EXPECT_FALSE(r.object.has_value()) << c.name;
    bool found = false;
    for (const auto& e : r.errors)
      found = found || (e.path == c.path && e.message.find(c.message_part) != std::string::npos);
    EXPECT_TRUE(found) << c.name << ": got " << (r.errors.empty() ? "no errors" : toString(r.errors[0]));
  }
}

TEST(PaymentServiceTest, NonObjectsAreErrors) {
  for (json v : {json(nullptr), json(1), json("x"), json::array()}) {
    auto r = parsePaymentService(v);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].message.find("must be an object"), std::string::npos);
  }
}

TEST(PaymentServiceTest, ReportsAllErrorsAtOnce) {
  json v = testing::validPaymentService();
  v["spec"]["resilience"]["retry"]["attempts"] = 42;
  v["spec"]["ports"][0]["port"] = 0;
  v["spec"]["tls"]["mode"] = "OFF";
  auto r = parsePaymentService(v);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(toString(r.errors[0]), "spec.ports[0].port: must be at least 1, got 0");
  EXPECT_EQ(toString(r.errors[1]), "spec.resilience.retry.attempts: must be at most 10, got 42");
  EXPECT_EQ(toString(r.errors[2]),
            "spec.tls.mode: unsupported value \"OFF\": must be one of \"STRICT\", \"PERMISSIVE\", \"DISABLE\"");
}

TEST(PaymentServiceTest, RetryBudgetIsItsOwnFieldWithDefaults) {
  json v = testing::minimalPaymentService();
  v["spec"]["resilience"]["circuitBreaker"] = {{"maxRetries", 4}, {"retryBudget", {{"percent", 25}}}};
  auto r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  const auto& cb = r.object->spec.resilience.circuit_breaker;
  EXPECT_EQ(cb.max_retries, 4);
  ASSERT_TRUE(cb.retry_budget);
  EXPECT_EQ(cb.retry_budget->percent, 25);
  EXPECT_EQ(cb.retry_budget->min_concurrency, 3);
  v["spec"]["resilience"]["circuitBreaker"]["retryBudget"] = {{"percent", 0}, {"minConcurrency", -2}};
  auto bad = parsePaymentService(v);
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_EQ(bad.errors[0].path, "spec.resilience.circuitBreaker.retryBudget.percent");
  EXPECT_EQ(bad.errors[1].path, "spec.resilience.circuitBreaker.retryBudget.minConcurrency");
}

TEST(PaymentServiceTest, StatusRoundTrip) {
  PaymentServiceStatus st;
  st.observed_generation = 3;
  st.endpoints = 5;
  st.ring_checksum = "abc";
  st.mounted_certificate_not_after = "2026-01-02T00:00:00Z";
  st.conditions.push_back({"Ready", "True", "Reconciled", "ok", "2026-01-01T00:00:00Z", 3});
  json v = testing::validPaymentService();
  v["status"] = statusToJson(st);
  auto r = parsePaymentService(v);
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  EXPECT_EQ(r.object->status.conditions, st.conditions);
  EXPECT_EQ(r.object->status.endpoints, 5);
  EXPECT_EQ(r.object->status.mounted_certificate_not_after, "2026-01-02T00:00:00Z");
}

TEST(PaymentServiceTest, StatusMergePatchClearsWhatIsNotSet) {
  PaymentServiceStatus st;
  st.observed_generation = 2;
  st.ring_checksum = "abc";
  json patch = statusMergePatch(st);
  EXPECT_EQ(patch["status"]["ringChecksum"], "abc");
  EXPECT_TRUE(patch["status"]["configHash"].is_null());
  EXPECT_TRUE(patch["status"]["certificateNotAfter"].is_null());
  // Applied to a status that had them, the stale values go and the rest is the status.
  json stored = {{"status", {{"configHash", "sha256:old"}, {"certificateNotAfter", "2026-01-01T00:00:00Z"}}}};
  stored.merge_patch(patch);
  EXPECT_EQ(stored["status"], statusToJson(st));
}

}  // namespace
}  // namespace paymesh::model
