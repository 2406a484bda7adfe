#include "model/authentication.h"

#include <algorithm>

namespace paymesh::model {

const char* toString(JwksSourceKind v) {
  switch (v) {
    case JwksSourceKind::kConfigMap: return "ConfigMap";
    case JwksSourceKind::kSecret: return "Secret";
    case JwksSourceKind::kRemote: return "remote";
  }
  return "?";
}

const char* toString(JwtRuleAction v) {
  switch (v) {
    case JwtRuleAction::kRequire: return "Require";
    case JwtRuleAction::kAllowMissing: return "AllowMissing";
    case JwtRuleAction::kExempt: return "Exempt";
  }
  return "?";
}

namespace {

bool appliesToPort(const JwtRule& rule, const std::string& port) {
  return rule.ports.empty() || std::find(rule.ports.begin(), rule.ports.end(), port) != rule.ports.end();
}

std::vector<std::string> allProviders(const JwtAuthentication& jwt) {
  std::vector<std::string> names;
  for (const auto& p : jwt.providers) names.push_back(p.name);
  return names;
}

DecidingRule resolve(const JwtAuthentication& jwt, size_t index) {
  const JwtRule& rule = jwt.rules[index];
  return {rule.action, rule.providers.empty() ? allProviders(jwt) : rule.providers, index};
}

DecidingRule defaultRule(const JwtAuthentication& jwt) { return {JwtRuleAction::kRequire, allProviders(jwt), {}}; }

}  // namespace

DecidingRule decidingRule(const JwtAuthentication& jwt, const std::string& port, const std::string& path) {
  for (size_t i = 0; i < jwt.rules.size(); ++i) {
    const JwtRule& rule = jwt.rules[i];
    if (appliesToPort(rule, port) && path.compare(0, rule.path_prefix.size(), rule.path_prefix) == 0) {
      return resolve(jwt, i);
    }
  }
  return defaultRule(jwt);
}

std::vector<DecidingRule> rulesForPort(const JwtAuthentication& jwt, const std::string& port) {
  std::vector<DecidingRule> out;
  for (size_t i = 0; i < jwt.rules.size(); ++i) {
    if (appliesToPort(jwt.rules[i], port)) out.push_back(resolve(jwt, i));
  }
  out.push_back(defaultRule(jwt));
  return out;
}

std::string rulePrefix(const JwtAuthentication& jwt, const DecidingRule& rule) {
  return rule.index ? jwt.rules.at(*rule.index).path_prefix : std::string("/");
}

}  // namespace paymesh::model
