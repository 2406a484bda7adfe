#include "auth/jwt.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "auth/algorithms.h"
#include "auth/public_key.h"
#include "base/base64.h"
#include "base/quote.h"
#include "base/time_format.h"

namespace paymesh::auth {
namespace {

using nlohmann::json;

Result<json> decodeObject(std::string_view part, const char* name) {
  auto bytes = base64UrlDecode(part);
  if (!bytes) return invalidArgument(std::string(name) + ": not base64url: " + bytes.status().message());
  json j;
  try {
    j = json::parse(*bytes);
  } catch (const json::parse_error& e) {
    return invalidArgument(std::string(name) + ": not JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!j.is_object()) return invalidArgument(std::string(name) + ": must be a JSON object");
  return j;
}

std::string stringOr(const json& object, const char* member) {
  auto it = object.find(member);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Envoy compares audiences without a leading http:// or https:// and a trailing "/".
std::string sanitizeAudience(std::string_view aud) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (aud.substr(0, scheme.size()) == scheme) {
      aud.remove_prefix(scheme.size());
      break;
    }
  }
  if (!aud.empty() && aud.back() == '/') aud.remove_suffix(1);
  return std::string(aud);
}

Status checkIssuer(const json& claims, const model::JwtProvider& provider, Checks& checks) {
  const std::string iss = stringOr(claims, "iss");
  if (provider.issuer.empty()) {
    checks.passed.push_back("issuer not checked: provider " + provider.name + " names none");
    return Status::ok();
  }
  if (iss.empty())
    return invalidArgument("the token has no iss; provider " + provider.name + " expects " + provider.issuer);
  if (iss != provider.issuer) {
    return invalidArgument("issuer " + quoteUntrusted(iss) + " is not provider " + provider.name + "'s " +
                           paymesh::quoted(provider.issuer));
  }
  checks.passed.push_back("issuer " + paymesh::quoted(iss) + " ok");
  return Status::ok();
}

Status checkAudience(const json& claims, const model::JwtProvider& provider, Checks& checks) {
  if (provider.audiences.empty()) {
    checks.passed.push_back("audience not checked: provider " + provider.name + " lists none");
    return Status::ok();
  }
  std::vector<std::string> auds;
  auto it = claims.find("aud");
  if (it != claims.end() && it->is_string()) auds.push_back(it->get<std::string>());
  if (it != claims.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string()) auds.push_back(a.get<std::string>());
    }
  }
  for (const auto& aud : auds) {
    for (const auto& allowed : provider.audiences) {
      if (sanitizeAudience(aud) == sanitizeAudience(allowed)) {
        checks.passed.push_back("audience " + paymesh::quoted(aud) + " ok");
        return Status::ok();
      }
    }
  }
  const std::string expected = "provider " + provider.name + "'s audiences (" + join(provider.audiences) + ")";
  if (auds.empty()) return invalidArgument("the token has no aud; it must name one of " + expected);
  std::vector<std::string> shown;
  for (const auto& a : auds) shown.push_back(quoteUntrusted(a, 64));
  return invalidArgument("audience " + join(shown) + " is none of " + expected);
}

bool fits(const Jwk& key, const JwsAlgorithm& alg) {
  return key.kty == alg.kty && (key.alg.empty() || key.alg == alg.name) &&
         (alg.curve == nullptr || key.crv == alg.curve->name);
}

std::string keyName(const Jwks& jwks, size_t i) {
  return jwks.keys[i].kid.empty() ? "keys[" + std::to_string(i) + "]" : paymesh::quoted(jwks.keys[i].kid);
}

// The keys that may have signed the token: the one its kid names, else all that fit.
Result<std::vector<size_t>> candidateKeys(const json& header, const JwsAlgorithm& alg,
                                          const model::JwtProvider& provider, const Jwks& jwks) {
  std::vector<size_t> out;
  auto kid = header.find("kid");
  if (kid != header.end() && !kid->is_string()) return invalidArgument("header: kid must be a string");
  if (kid == header.end()) {
    for (size_t i = 0; i < jwks.keys.size(); ++i) {
      if (fits(jwks.keys[i], alg)) out.push_back(i);
    }
    if (out.empty()) return invalidArgument("no key of provider " + provider.name + " fits " + std::string(alg.name));
    return out;
  }
  std::vector<std::string> kids;
  bool named = false;
  for (size_t i = 0; i < jwks.keys.size(); ++i) {
    if (!jwks.keys[i].kid.empty()) kids.push_back(paymesh::quoted(jwks.keys[i].kid));
    if (jwks.keys[i].kid != kid->get_ref<const std::string&>()) continue;
    named = true;
    if (fits(jwks.keys[i], alg)) out.push_back(i);
  }
  const std::string name = quoteUntrusted(kid->get_ref<const std::string&>(), 64);
  if (!named) {
    return invalidArgument("unknown kid " + name + ": provider " + provider.name + "'s keys are " +
                           (kids.empty() ? "without kid" : join(kids)));
  }
  if (out.empty()) return invalidArgument("key " + name + " does not fit " + std::string(alg.name));
  return out;
}

Status checkSignature(const Jws& token, const JwsAlgorithm& alg, const model::JwtProvider& provider, const Jwks& jwks,
                      Checks& checks) {
  ASSIGN_OR_RETURN(std::vector<size_t> keys, candidateKeys(token.header, alg, provider, jwks));
  Status last;
  for (size_t i : keys) {
    last = verifySignature(alg, jwks.keys[i].key.get(), token.signing_input, token.signature);
    if (last.isOk()) {
      checks.passed.push_back("signature ok (" + std::string(alg.name) + ", key " + keyName(jwks, i) + ")");
      return Status::ok();
    }
  }
  if (keys.size() == 1) return invalidArgument(last.message() + " with key " + keyName(jwks, keys[0]));
  return invalidArgument(last.message() + " with any of the " + std::to_string(keys.size()) + " keys that fit " +
                         std::string(alg.name));
}

// A NumericDate claim as whole seconds; nullopt when absent. jwt_authn reads whole seconds.
Result<std::optional<int64_t>> numericDate(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<int64_t>();
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return invalidArgument(std::string(name) + " must be a number of seconds since 1970");
  }
  if (it->is_number_unsigned()) {
    return std::optional<int64_t>(static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX)));
  }
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  double v = std::clamp(std::floor(it->get<double>()), -9.2e18, 9.2e18);
  return std::optional<int64_t>(static_cast<int64_t>(v));
}

// RFC 3339 while the time fits a time_point (to year 2262), else the raw seconds.
std::string showTime(int64_t seconds) {
  constexpr int64_t kMax = 9'000'000'000;
  if (seconds < -kMax || seconds > kMax) return std::to_string(seconds) + " (seconds since 1970)";
  return formatRfc3339(TimePoint(std::chrono::seconds(seconds)));
}

Status checkLifetime(const json& claims, TimePoint now, Checks& checks) {
  const int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t skew = kClockSkew.count();
  ASSIGN_OR_RETURN(std::optional<int64_t> exp, numericDate(claims, "exp"));
  ASSIGN_OR_RETURN(std::optional<int64_t> nbf, numericDate(claims, "nbf"));
  const std::string at = " (now " + showTime(t) + ", " + std::to_string(skew) + "s clock skew allowed)";
  if (!exp) return invalidArgument("the token has no exp: a token without expiry is never accepted");
  if (t > *exp && t - *exp > skew) return invalidArgument("expired at " + showTime(*exp) + at);
  if (nbf && *nbf > t && *nbf - t > skew) return invalidArgument("not valid before " + showTime(*nbf) + at);
  checks.passed.push_back("valid until " + showTime(*exp) + (nbf ? ", from " + showTime(*nbf) : "") + at);
  return Status::ok();
}

Result<const JwsAlgorithm*> checkAlgorithm(const json& header, Checks& checks) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return invalidArgument("header: alg missing or not a string");
  const JwsAlgorithm* found = findAlgorithm(alg->get_ref<const std::string&>());
  if (found == nullptr) return invalidArgument(refusedAlgorithmReason(alg->get_ref<const std::string&>()));
  checks.passed.push_back("alg " + std::string(found->name));
  return found;
}

Status verifyAll(const Jws& token, const model::JwtProvider& provider, const Jwks& jwks, TimePoint now,
                 Checks& checks) {
  ASSIGN_OR_RETURN(const JwsAlgorithm* alg, checkAlgorithm(token.header, checks));
  RETURN_IF_ERROR(checkIssuer(token.payload, provider, checks));
  RETURN_IF_ERROR(checkAudience(token.payload, provider, checks));
  RETURN_IF_ERROR(checkSignature(token, *alg, provider, jwks, checks));
  return checkLifetime(token.payload, now, checks);
}

// The words of a claim: a string split on spaces, or a list's string elements.
Result<std::set<std::string>> claimWords(const json& claim, const std::string& name) {
  std::set<std::string> words;
  if (claim.is_string()) {
    const std::string& s = claim.get_ref<const std::string&>();
    for (size_t start = 0; start < s.size();) {
      size_t end = std::min(s.find(' ', start), s.size());
      if (end > start) words.insert(s.substr(start, end - start));
      start = end + 1;
    }
    return words;
  }
  if (!claim.is_array()) return invalidArgument("claim " + paymesh::quoted(name) + " is neither a string nor a list");
  for (const auto& e : claim) {
    if (e.is_string()) words.insert(e.get<std::string>());
  }
  return words;
}

Status checkClaim(const json& claims, const model::RequiredClaim& required, Checks& checks) {
  const json* claim = findClaim(claims, required.claim);
  if (claim == nullptr) {
    return invalidArgument("claim " + paymesh::quoted(required.claim) +
                           " is missing (required: " + join(required.values) + ")");
  }
  ASSIGN_OR_RETURN(std::set<std::string> words, claimWords(*claim, required.claim));
  for (const auto& v : required.values) {
    if (!words.count(v))
      return invalidArgument("claim " + paymesh::quoted(required.claim) + " lacks " + paymesh::quoted(v));
  }
  checks.passed.push_back("claim " + required.claim + " has " + join(required.values));
  return Status::ok();
}

}  // namespace

Result<Jws> decodeJws(std::string_view token) {
  const size_t dots = static_cast<size_t>(std::count(token.begin(), token.end(), '.'));
  if (dots == 4) return invalidArgument("an encrypted token (JWE, five parts) is not a signed JWT");
  if (dots != 2) {
    return invalidArgument("a JWT has three base64url parts separated by dots, got " + std::to_string(dots + 1));
  }
  const size_t first = token.find('.'), second = token.find('.', first + 1);
  Jws jws;
  ASSIGN_OR_RETURN(jws.header, decodeObject(token.substr(0, first), "header"));
  ASSIGN_OR_RETURN(jws.payload, decodeObject(token.substr(first + 1, second - first - 1), "payload"));
  auto signature = base64UrlDecode(token.substr(second + 1));
  if (!signature) return invalidArgument("signature: not base64url: " + signature.status().message());
  jws.signing_input = std::string(token.substr(0, second));
  jws.signature = std::move(*signature);
  return jws;
}

Checks verifyJwt(const Jws& token, const model::JwtProvider& provider, const Jwks& jwks, TimePoint now) {
  Checks checks;
  if (Status s = verifyAll(token, provider, jwks, now, checks); !s.isOk()) checks.failure = s.message();
  return checks;
}

Checks checkRequiredClaims(const json& claims, const std::vector<model::RequiredClaim>& required) {
  Checks checks;
  for (const auto& r : required) {
    if (Status s = checkClaim(claims, r, checks); !s.isOk()) {
      checks.failure = s.message();
      break;
    }
  }
  return checks;
}

const json* findClaim(const json& claims, std::string_view name) {
  const json* at = &claims;
  for (size_t start = 0; start <= name.size();) {
    size_t end = std::min(name.find('.', start), name.size());
    if (!at->is_object()) return nullptr;
    auto it = at->find(std::string(name.substr(start, end - start)));
    if (it == at->end()) return nullptr;
    at = &*it;
    start = end + 1;
  }
  return at;
}

}  // namespace paymesh::auth
