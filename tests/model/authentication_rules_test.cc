// Which rule decides a request (decidingRule) and the ordered rules of a port
// (rulesForPort): the one answer the renderer and `paymeshctl auth check` share.

#include <gtest/gtest.h>

#include "model/authentication.h"

namespace paymesh::model {
namespace {

JwtProvider provider(const std::string& name) {
  JwtProvider p;
  p.name = name;
  p.issuer = "https://" + name;
  return p;
}

JwtRule rule(std::vector<std::string> ports, const std::string& prefix, JwtRuleAction action,
             std::vector<std::string> providers = {}) {
  JwtRule r;
  r.ports = std::move(ports);
  r.path_prefix = prefix;
  r.action = action;
  r.providers = std::move(providers);
  return r;
}

JwtAuthentication twoProvidersThreeRules() {
  JwtAuthentication jwt;
  jwt.providers = {provider("idp"), provider("partner")};
  jwt.rules = {
      rule({"http"}, "/healthz", JwtRuleAction::kExempt),
      rule({}, "/public", JwtRuleAction::kAllowMissing),
      rule({"http"}, "/", JwtRuleAction::kRequire, {"partner"}),
  };
  return jwt;
}

TEST(DecidingRuleTest, FirstMatchingRuleDecides) {
  const auto jwt = twoProvidersThreeRules();
  auto healthz = decidingRule(jwt, "http", "/healthz/live");
  EXPECT_EQ(healthz.action, JwtRuleAction::kExempt);
  EXPECT_EQ(healthz.index, 0u);
  auto pub = decidingRule(jwt, "http", "/public/rates");
  EXPECT_EQ(pub.action, JwtRuleAction::kAllowMissing);
  EXPECT_EQ(pub.index, 1u);
  EXPECT_EQ(pub.providers, (std::vector<std::string>{"idp", "partner"}));  // none named: every provider, in order
  auto pay = decidingRule(jwt, "http", "/payments");
  EXPECT_EQ(pay.action, JwtRuleAction::kRequire);
  EXPECT_EQ(pay.index, 2u);
  EXPECT_EQ(pay.providers, (std::vector<std::string>{"partner"}));
}

TEST(DecidingRuleTest, RulesOfOtherPortsDoNotApply) {
  const auto jwt = twoProvidersThreeRules();
  auto healthz = decidingRule(jwt, "admin", "/healthz");
  EXPECT_EQ(healthz.action, JwtRuleAction::kRequire);
  EXPECT_FALSE(healthz.index.has_value());  // the default
  EXPECT_EQ(healthz.providers, (std::vector<std::string>{"idp", "partner"}));
  EXPECT_EQ(decidingRule(jwt, "admin", "/public").index, 1u);
}

TEST(DecidingRuleTest, PrefixIsPlainStringPrefix) {
  const auto jwt = twoProvidersThreeRules();
  EXPECT_EQ(decidingRule(jwt, "http", "/healthzz").action, JwtRuleAction::kExempt);
  EXPECT_EQ(decidingRule(jwt, "admin", "/publi").index, std::nullopt);
}

TEST(DecidingRuleTest, NoRulesRequireAnyProvider) {
  JwtAuthentication jwt;
  jwt.providers = {provider("idp")};
  auto d = decidingRule(jwt, "http", "/");
  EXPECT_EQ(d.action, JwtRuleAction::kRequire);
  EXPECT_EQ(d.providers, std::vector<std::string>{"idp"});
  EXPECT_FALSE(d.index.has_value());
}

TEST(RulesForPortTest, ApplyingRulesInOrderThenTheDefault) {
  const auto jwt = twoProvidersThreeRules();
  auto http = rulesForPort(jwt, "http");
  ASSERT_EQ(http.size(), 4u);
  EXPECT_EQ(rulePrefix(jwt, http[0]), "/healthz");
  EXPECT_EQ(rulePrefix(jwt, http[1]), "/public");
  EXPECT_EQ(rulePrefix(jwt, http[2]), "/");
  EXPECT_EQ(rulePrefix(jwt, http[3]), "/");
  EXPECT_FALSE(http[3].index.has_value());
  auto admin = rulesForPort(jwt, "admin");
  ASSERT_EQ(admin.size(), 2u);
  EXPECT_EQ(admin[0].index, 1u);
  EXPECT_EQ(admin[1].action, JwtRuleAction::kRequire);
}

TEST(AuthenticationNamesTest, AsTheSchemaSpellsThem) {
  EXPECT_STREQ(toString(JwtRuleAction::kAllowMissing), "AllowMissing");
  EXPECT_STREQ(toString(JwtRuleAction::kExempt), "Exempt");
  EXPECT_STREQ(toString(JwtRuleAction::kRequire), "Require");
  EXPECT_STREQ(toString(JwksSourceKind::kConfigMap), "ConfigMap");
  EXPECT_STREQ(toString(JwksSourceKind::kSecret), "Secret");
  EXPECT_STREQ(toString(JwksSourceKind::kRemote), "remote");
}

}  // namespace
}  // namespace paymesh::model
