#include "model/cross_field_checks.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "model/payment_service.h"
#include "model/payment_service_schema.h"
#include "test_objects.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

struct RuleCase {
  std::string rule_id;
  std::function<void(json&)> valid;    // a change the rule must accept
  std::function<void(json&)> invalid;  // a change the rule must reject
  std::string path;                    // where the error is reported
};

json& spec(json& v) { return v["spec"]; }

// spec.authentication with one provider whose keys are in a ConfigMap.
json jwt() {
  return json::parse(R"({"jwt": {"providers": [{"name": "idp", "issuer": "https://idp.example.com",
    "audiences": ["payments"], "jwks": {"configMap": {"name": "idp-jwks"}}}]}})");
}

std::vector<RuleCase> cases() {
  return {
      {"ports-unique-numbers",
       [](json& v) {
         spec(v)["ports"].push_back({{"name", "admin"}, {"port", 9090}});
       },
       [](json& v) {
         spec(v)["ports"].push_back({{"name", "admin"}, {"port", 50051}});
       },
       "spec.ports"},
      {"ring-tablesize-maglev", [](json& v) { spec(v)["discovery"]["ring"]["tableSize"] = 7; },
       [](json& v) {
         spec(v)["discovery"]["ring"] = {{"algorithm", "Ketama"}, {"tableSize", 7}};
       },
       "spec.discovery.ring.tableSize"},
      {"ring-ketama-fields",
       [](json& v) {
         spec(v)["discovery"]["ring"] = {{"algorithm", "Ketama"}, {"virtualNodes", 2048}};
       },
       [](json& v) { spec(v)["discovery"]["ring"]["virtualNodes"] = 2048; }, "spec.discovery.ring"},
      {"ring-size-order",
       [](json& v) {
         spec(v)["discovery"]["ring"] = {{"algorithm", "Ketama"}, {"virtualNodes", 4096}, {"maxRingSize", 4096}};
       },
       [](json& v) {
         spec(v)["discovery"]["ring"] = {{"algorithm", "Ketama"}, {"maxRingSize", 512}};
       },
       "spec.discovery.ring.virtualNodes"},
      {"ring-tablesize-prime", [](json& v) { spec(v)["discovery"]["ring"]["tableSize"] = 5000011; },
       [](json& v) { spec(v)["discovery"]["ring"]["tableSize"] = 65536; }, "spec.discovery.ring.tableSize"},
      {"hashkey-exactly-one",
       [](json& v) {
         spec(v)["discovery"]["hashKey"] = {{"sourceIP", true}};
       },
       [](json& v) {
         spec(v)["discovery"]["hashKey"] = {{"header", "x-a"}, {"cookie", {{"name", "c"}}}};
       },
       "spec.discovery.hashKey"},
      {"hashkey-sourceip-true",
       [](json& v) {
         spec(v)["discovery"]["hashKey"] = {{"sourceIP", true}};
       },
       [](json& v) {
         spec(v)["discovery"]["hashKey"] = {{"sourceIP", false}};
       },
       "spec.discovery.hashKey.sourceIP"},
      {"retry-backoff-order",
       [](json& v) {
         spec(v)["resilience"]["retry"]["backoff"] = {{"base", "1s"}, {"max", "1s"}};
       },
       [](json& v) {
         spec(v)["resilience"]["retry"]["backoff"] = {{"base", "1s"}, {"max", "999ms"}};
       },
       "spec.resilience.retry.backoff.base"},
      {"retry-per-try-within-timeout", [](json& v) { spec(v)["resilience"]["retry"]["perTryTimeout"] = "2s"; },
       [](json& v) { spec(v)["resilience"]["retry"]["perTryTimeout"] = "2001ms"; },
       "spec.resilience.retry.perTryTimeout"},
      {"dependencies-unique-local-ports",
       [](json& v) {
         spec(v)["dependencies"].push_back({{"name", "ledger"}, {"localPort", 15202}});
       },
       [](json& v) {
         spec(v)["dependencies"].push_back({{"name", "ledger"}, {"localPort", 15201}});
       },
       "spec.dependencies"},
      {"dependencies-local-port-range",
       [](json& v) {
         spec(v)["dependencies"] = {{{"name", "a"}}, {{"name", "b"}, {"localPort", 15102}}};
       },
       [](json& v) {
         spec(v)["dependencies"] = {{{"name", "a"}}, {{"name", "b"}, {"localPort", 15100}}};
       },
       "spec.dependencies"},
      {"cert-renew-before-duration", [](json& v) { spec(v)["tls"]["certificate"]["renewBefore"] = "23h59m"; },
       [](json& v) { spec(v)["tls"]["certificate"]["renewBefore"] = "24h"; }, "spec.tls.certificate.renewBefore"},
      {"authorization-needs-tls",
       [](json& v) {
         spec(v)["tls"]["mode"] = "DISABLE";
         spec(v)["authorization"]["allowedCallers"] = json::array();
       },
       [](json& v) { spec(v)["tls"]["mode"] = "DISABLE"; }, "spec.authorization.allowedCallers"},
      {"fallback-not-self", [](json& v) { spec(v)["resilience"]["fallback"]["service"] = "other"; },
       [](json& v) { spec(v)["resilience"]["fallback"]["service"] = "settlement"; },
       "spec.resilience.fallback.service"},
      {"dependency-not-self",
       [](json& v) {
         spec(v)["dependencies"] = {{{"name", "payment"}}};
       },
       [](json& v) {
         spec(v)["dependencies"] = {{{"name", "settlement"}}};
       },
       "spec.dependencies"},
      {"jwks-exactly-one", [](json& v) { spec(v)["authentication"] = jwt(); },
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authentication"]["jwt"]["providers"][0]["jwks"]["secret"] = {{"name", "keys"}};
       },
       "spec.authentication.jwt.providers"},
      {"jwt-rule-providers-declared",
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authentication"]["jwt"]["rules"] = {{{"providers", {"idp"}}}};
       },
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authentication"]["jwt"]["rules"] = {{{"pathPrefix", "/"}}, {{"providers", {"other"}}}};
       },
       "spec.authentication.jwt.rules"},
      {"jwt-rule-ports-exist",
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authentication"]["jwt"]["rules"] = {{{"ports", {"grpc"}}}};
       },
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authentication"]["jwt"]["rules"] = {{{"ports", {"grpc"}}}, {{"ports", {"admin"}}}};
       },
       "spec.authentication.jwt.rules"},
      {"jwt-needs-http-port",
       [](json& v) {
         spec(v)["ports"].push_back({{"name", "db"}, {"port", 5432}, {"protocol", "TCP"}});
         spec(v)["authentication"] = jwt();
       },
       [](json& v) {
         spec(v)["ports"] = {{{"name", "db"}, {"port", 5432}, {"protocol", "TCP"}}};
         spec(v)["authentication"] = jwt();
       },
       "spec.authentication.jwt"},
      {"jwt-needs-inbound",
       [](json& v) {
         spec(v)["tls"]["mode"] = "PERMISSIVE";
         spec(v)["authentication"] = jwt();
       },
       [](json& v) {
         spec(v)["tls"]["mode"] = "DISABLE";
         spec(v)["authorization"] = json::object();
         spec(v)["authentication"] = jwt();
       },
       "spec.authentication.jwt"},
      {"required-claims-need-jwt",
       [](json& v) {
         spec(v)["authentication"] = jwt();
         spec(v)["authorization"]["requiredClaims"] = {{{"claim", "scope"}, {"values", {"payments:write"}}}};
       },
       [](json& v) {
         spec(v)["authorization"]["requiredClaims"] = {{{"claim", "scope"}, {"values", {"payments:write"}}}};
       },
       "spec.authorization.requiredClaims"},
      {"ratelimit-burst",
       [](json& v) {
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}, {"burst", 100}};
       },
       [](json& v) {
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}, {"burst", 99}};
       },
       "spec.resilience.rateLimit.burst"},
      {"ratelimit-needs-inbound",
       [](json& v) {
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}};
       },
       [](json& v) {
         spec(v)["tls"]["mode"] = "DISABLE";
         spec(v)["authorization"] = json::object();
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}};
       },
       "spec.resilience.rateLimit"},
      {"ratelimit-per-caller-needs-callers",
       [](json& v) {
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}, {"perCaller", true}};
       },
       [](json& v) {
         spec(v)["authorization"] = json::object();
         spec(v)["resilience"]["rateLimit"] = {{"requestsPerSecond", 100}, {"perCaller", true}};
       },
       "spec.resilience.rateLimit.perCaller"},
  };
}

TEST(CrossFieldChecksTest, EveryCelRuleHasACheckAndATestCase) {
  std::set<std::string> tested;
  for (const auto& c : cases()) tested.insert(c.rule_id);
  for (const auto& r : allCelRules(paymentServiceSchema())) {
    EXPECT_TRUE(hasCrossFieldCheck(r.rule.id)) << r.rule.id;
    EXPECT_TRUE(tested.count(r.rule.id)) << "no test case for rule " << r.rule.id;
    EXPECT_FALSE(r.rule.rule.empty());
    EXPECT_FALSE(r.rule.message.empty());
  }
}

TEST(CrossFieldChecksTest, EachRuleAcceptsAndRejects) {
  std::map<std::string, std::string> messages;
  for (const auto& r : allCelRules(paymentServiceSchema())) messages[r.rule.id] = r.rule.message;
  for (const auto& c : cases()) {
    json ok = testing::validPaymentService();
    c.valid(ok);
    auto r = parsePaymentService(ok);
    EXPECT_TRUE(r.errors.empty()) << c.rule_id << " rejected a valid change: " << toString(r.errors[0]);

    json bad = testing::validPaymentService();
    c.invalid(bad);
    r = parsePaymentService(bad);
    ASSERT_EQ(r.errors.size(), 1u) << c.rule_id << ": " << (r.errors.empty() ? "accepted" : toString(r.errors[1]));
    EXPECT_EQ(r.errors[0].path, c.path) << c.rule_id;
    EXPECT_EQ(r.errors[0].message, messages[c.rule_id]) << c.rule_id;
  }
}

TEST(CrossFieldChecksTest, PrimeTableSizes) {
  EXPECT_TRUE(isPrime(65537));
  EXPECT_TRUE(isPrime(655373));
  EXPECT_TRUE(isPrime(5000011));
  EXPECT_FALSE(isPrime(65536));
  EXPECT_FALSE(isPrime(1));
  EXPECT_FALSE(isPrime(2237 * 2237));
  // The CEL rule's trial divisors cover every allowed size.
  auto primes = trialDivisionPrimes();
  EXPECT_GT(primes.back() * primes.back(), kMaxMaglevTableSize);
}

}  // namespace
}  // namespace paymesh::model
