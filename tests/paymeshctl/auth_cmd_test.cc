// `paymeshctl auth check`, run as the real binary on PaymentService manifests written
// here, with keys and tokens made in the test: its output and exit codes.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "support/run_command.h"
#include "support/token_maker.h"

namespace paymesh::ctl {
namespace {

using nlohmann::json;
using testing::makeToken;
using testing::SigningKey;

constexpr int64_t kNow = 1796126400;  // 2026-12-01T12:00:00Z, given as --now
const char* const kNowFlag = " --now 2026-12-01T12:00:00Z";

const SigningKey& rsaKey() {
  static const SigningKey kKey = SigningKey::rsa("idp-rsa");
  return kKey;
}
const SigningKey& ecKey() {
  static const SigningKey kKey = SigningKey::ec("idp-ec");
  return kKey;
}
std::string publishedJwks() { return testing::jwksText({rsaKey().jwk(), ecKey().jwk()}); }

const char* const kConfigMapSource = "{configMap: {name: idp-jwks, key: jwks.json}}";
const char* const kSecretSource = "{secret: {name: idp-jwks, key: jwks.json}}";
const char* const kRemoteSource = "{remote: {uri: https://idp.example.com/jwks, cacheDuration: 5m, timeout: 1s}}";

// The service every case asks about; `jwks` is the provider's JWKS source.
std::string serviceYaml(const std::string& jwks) {
  return R"(apiVersion: paymesh.io/v1alpha1
kind: PaymentService
metadata: {name: payment, namespace: payments}
spec:
  selector: {matchLabels: {app: payment}}
  ports: [{name: http, port: 8080, protocol: HTTP}, {name: admin, port: 9090, protocol: HTTP}]
  authentication:
    jwt:
      providers:
      - name: idp
        issuer: https://idp.example.com
        audiences: [payments-api]
        jwks: )" +
         jwks + R"(
        fromHeaders: [{name: authorization, valuePrefix: "Bearer "}]
        fromParams: [access_token]
        forward: false
        claimToHeaders: [{claim: sub, header: x-user-id}]
      rules:
      - {ports: [http], pathPrefix: /healthz, action: Exempt}
      - {pathPrefix: /public, action: AllowMissing}
      - {ports: [http], pathPrefix: /, action: Require, providers: [idp]}
  authorization:
    requiredClaims: [{claim: scope, values: ["payments:write"]}]
)";
}

std::string configMapYaml(const std::string& jwks_text) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: idp-jwks, namespace: payments}\ndata:\n  jwks.json: " +
         json(jwks_text).dump() + "\n";
}

std::string secretYaml(const std::string& jwks_text) {
  return "apiVersion: v1\nkind: Secret\nmetadata: {name: idp-jwks, namespace: payments}\ntype: Opaque\ndata:\n"
         "  jwks.json: " +
         base64Encode(jwks_text) + "\n";
}

json claims() {
  return {{"iss", "https://idp.example.com"},
          {"aud", "payments-api"},
          {"sub", "user-1"},
          {"exp", kNow + 600},
          {"scope", "payments:read payments:write"}};
}

json with(json j, const std::string& member, json value) {
  j[member] = std::move(value);
  return j;
}

class AuthCmdTest : public ::testing::Test {
protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = std::string(::testing::TempDir()) + "paymesh_auth_cmd_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++);
    std::filesystem::create_directories(dir_ + "/manifests");
    write("manifests/service.yaml", serviceYaml(kConfigMapSource));
    write("manifests/jwks.yaml", configMapYaml(publishedJwks()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // paymeshctl auth check on the manifests directory; `args` are shell-quoted already.
  testing::CommandResult check(const std::string& args, const std::string& stdin_text = "") {
    return testing::runCommand(
        testing::paymeshctl() + " auth check --service payment -f " + dir_ + "/manifests" + kNowFlag + " " + args,
        stdin_text);
  }

  testing::CommandResult checkToken(const std::string& token, const std::string& args = "--path /payments") {
    return check(args + " --token '" + token + "'");
  }

  std::string dir_;
};

// The last line of the output: "accepted" or "rejected: REASON".
std::string verdict(const testing::CommandResult& r) {
  std::string out = r.out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

TEST_F(AuthCmdTest, ValidRs256TokenIsAccepted) {
  auto r = checkToken(makeToken(rsaKey(), "RS256", claims()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "rule rules[2] (ports: http, pathPrefix: /) decides: Require a token from idp\n"
            "provider idp: alg RS256\n"
            "provider idp: issuer \"https://idp.example.com\" ok\n"
            "provider idp: audience \"payments-api\" ok\n"
            "provider idp: signature ok (RS256, key \"idp-rsa\")\n"
            "provider idp: valid until 2026-12-01T12:10:00Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)\n"
            "claim scope has payments:write\n"
            "accepted\n");
}

TEST_F(AuthCmdTest, ValidEs256TokenIsAccepted) {
  auto r = checkToken(makeToken(ecKey(), "ES256", claims()));
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("provider idp: signature ok (ES256, key \"idp-ec\")\n"), std::string::npos) << r.out;
  EXPECT_EQ(verdict(r), "accepted");
}

struct Rejection {
  std::string name;
  std::string token;
  std::string verdict;
};

TEST_F(AuthCmdTest, InvalidTokensAreRejected) {
  const std::string good = makeToken(rsaKey(), "RS256", claims());
  const std::string payload = testing::encodePart(claims());
  const std::string tampered = good.substr(0, good.find('.') + 1) +
                               testing::encodePart(with(claims(), "sub", "admin")) + good.substr(good.rfind('.'));
  const std::vector<Rejection> cases = {
      {"expired", makeToken(rsaKey(), "RS256", with(claims(), "exp", kNow - 120)),
       "rejected: provider idp: expired at 2026-12-01T11:58:00Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)"},
      {"not yet valid", makeToken(ecKey(), "ES256", with(claims(), "nbf", kNow + 300)),
       "rejected: provider idp: not valid before 2026-12-01T12:05:00Z (now 2026-12-01T12:00:00Z, 60s clock skew "
       "allowed)"},
      {"wrong audience", makeToken(rsaKey(), "RS256", with(claims(), "aud", "ledger-api")),
       "rejected: provider idp: audience \"ledger-api\" is none of provider idp's audiences (payments-api)"},
      {"wrong issuer", makeToken(rsaKey(), "RS256", with(claims(), "iss", "https://evil.example.com")),
       "rejected: provider idp: issuer \"https://evil.example.com\" is not provider idp's \"https://idp.example.com\""},
      {"tampered", tampered, "rejected: provider idp: signature does not verify with key \"idp-rsa\""},
      {"unknown kid", makeToken(rsaKey(), "RS256", claims(), {{"kid", "old-key"}}),
       "rejected: provider idp: unknown kid \"old-key\": provider idp's keys are \"idp-rsa\", \"idp-ec\""},
      {"alg none", testing::encodePart({{"alg", "none"}}) + "." + payload + ".",
       "rejected: provider idp: alg \"none\": an unsigned token is never accepted"},
      {"HS256", testing::encodePart({{"alg", "HS256"}}) + "." + payload + ".c2lnbmF0dXJl",
       "rejected: provider idp: alg \"HS256\": a shared-secret (HMAC) token is never accepted; providers sign with "
       "RSA or EC keys"},
      {"two parts", good.substr(0, good.rfind('.')),
       "rejected: malformed token: a JWT has three base64url parts separated by dots, got 2"},
      {"bad base64", "e30+." + payload + ".c2ln",
       "rejected: malformed token: header: not base64url: invalid base64url character at offset 3"},
      {"scope missing", makeToken(rsaKey(), "RS256", with(claims(), "scope", "payments:read")),
       "rejected: claim \"scope\" lacks \"payments:write\""},
  };
  for (const auto& c : cases) {
    auto r = checkToken(c.token);
    EXPECT_EQ(r.exit_code, 1) << c.name << "\n" << r.out << r.err;
    EXPECT_EQ(verdict(r), c.verdict) << c.name;
  }
}

TEST_F(AuthCmdTest, RequiredClaimInAScopeStringOrAList) {
  EXPECT_EQ(checkToken(makeToken(rsaKey(), "RS256", with(claims(), "scope", "openid payments:write"))).exit_code, 0);
  auto list = checkToken(makeToken(ecKey(), "ES256", with(claims(), "scope", json{"payments:write", "openid"})));
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  json none = claims();
  none.erase("scope");
  auto missing = checkToken(makeToken(rsaKey(), "RS256", none));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(verdict(missing), "rejected: claim \"scope\" is missing (required: payments:write)");
}

TEST_F(AuthCmdTest, ExemptAllowMissingAndRulesOfOtherPorts) {
  auto healthz = check("--path /healthz/ready");
  EXPECT_EQ(healthz.exit_code, 0) << healthz.err;
  EXPECT_EQ(healthz.out, "rule rules[0] (ports: http, pathPrefix: /healthz) decides: Exempt\naccepted\n");
  auto pub = check("--path /public/rates");
  EXPECT_EQ(pub.exit_code, 0) << pub.err;
  EXPECT_EQ(verdict(pub), "accepted");
  auto bad = checkToken(makeToken(rsaKey(), "RS256", with(claims(), "aud", "x")), "--path /public/rates");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(verdict(bad), "rejected: provider idp: audience \"x\" is none of provider idp's audiences (payments-api)");
  // The Exempt rule names port http only: on admin, /healthz falls to the default.
  auto admin = check("--port admin --path /healthz");
  EXPECT_EQ(admin.exit_code, 1);
  EXPECT_EQ(admin.out,
            "no rule matches port admin at /healthz: the default decides: Require a token from idp\n"
            "rejected: no token: the rule requires one from idp\n");
  auto no_token = check("--path /payments");
  EXPECT_EQ(no_token.exit_code, 1);
  EXPECT_EQ(verdict(no_token), "rejected: no token: the rule requires one from idp");
}

TEST_F(AuthCmdTest, TokenFromFileOrStdin) {
  const std::string token = makeToken(rsaKey(), "RS256", claims());
  const std::string file = write("token.txt", "Bearer " + token + "\n");
  EXPECT_EQ(check("--path /payments --token @" + file).exit_code, 0);
  EXPECT_EQ(check("--path /payments --token -", token + "\n").exit_code, 0);
  auto unreadable = check("--path /payments --token @" + dir_ + "/missing.txt");
  EXPECT_EQ(unreadable.exit_code, 2);
}

TEST_F(AuthCmdTest, KeysFromASecret) {
  write("manifests/service.yaml", serviceYaml(kSecretSource));
  write("manifests/jwks.yaml", secretYaml(publishedJwks()));
  auto r = checkToken(makeToken(ecKey(), "ES256", claims()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The ConfigMap of the same name is not the Secret the provider names.
  write("manifests/jwks.yaml", configMapYaml(publishedJwks()));
  auto missing = checkToken(makeToken(ecKey(), "ES256", claims()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("Secret payments/idp-jwks (the JWKS of provider idp) is not in the input"),
            std::string::npos)
      << missing.err;
}

TEST_F(AuthCmdTest, BrokenJwksIsInvalidInput) {
  const json rsa = rsaKey().jwk();
  const json ec = ecKey().jwk();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"keys\": [", "ConfigMap payments/idp-jwks key jwks.json: not valid JSON (at byte 11)"},
      {"{\"keys\": []}", "ConfigMap payments/idp-jwks key jwks.json: keys: empty: no key to verify a token with"},
      {R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})", "keys[0].kty: \"oct\" is a shared secret"},
      {testing::jwksText({with(rsa, "d", "AQAB")}), "keys[0].d: a private key member"},
      {testing::jwksText({ec, with(rsa, "alg", "HS999")}), "keys[1].alg: unknown algorithm \"HS999\""},
      {testing::jwksText({with(ec, "alg", "ES384")}), "keys[0].alg: \"ES384\" signs on P-384, not P-256"},
      {testing::jwksText({with(ec, "crv", "P-192")}), "keys[0].crv: unknown curve \"P-192\""},
  };
  for (const auto& [text, message] : cases) {
    write("manifests/jwks.yaml", configMapYaml(text));
    auto r = checkToken(makeToken(rsaKey(), "RS256", claims()));
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_NE(r.err.find(message), std::string::npos) << text << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  std::filesystem::remove(dir_ + "/manifests/jwks.yaml");
  auto missing = checkToken(makeToken(rsaKey(), "RS256", claims()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("ConfigMap payments/idp-jwks (the JWKS of provider idp) is not in the input"),
            std::string::npos)
      << missing.err;
  write("manifests/jwks.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: idp-jwks, namespace: payments}\n"
        "data: {other.json: \"{}\"}\n");
  auto no_key = checkToken(makeToken(rsaKey(), "RS256", claims()));
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("ConfigMap payments/idp-jwks has no key \"jwks.json\""), std::string::npos) << no_key.err;
  // An exempt path needs no keys at all.
  EXPECT_EQ(check("--path /healthz").exit_code, 0);
}

TEST_F(AuthCmdTest, RemoteProviderNeedsJwksFlag) {
  write("manifests/service.yaml", serviceYaml(kRemoteSource));
  std::filesystem::remove(dir_ + "/manifests/jwks.yaml");
  const std::string token = makeToken(rsaKey(), "RS256", claims());
  auto without = checkToken(token);
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("provider idp fetches its keys from https://idp.example.com/jwks; give them with --jwks "
                             "idp=FILE"),
            std::string::npos)
      << without.err;
  const std::string keys = write("keys.json", publishedJwks());
  EXPECT_EQ(checkToken(token, "--path /payments --jwks " + keys).exit_code, 0);
  EXPECT_EQ(checkToken(token, "--path /payments --jwks idp=" + keys).exit_code, 0);
  const std::string broken = write("broken.json", "{}");
  auto bad = checkToken(token, "--path /payments --jwks " + broken);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(broken + ": keys: missing"), std::string::npos) << bad.err;
}

TEST_F(AuthCmdTest, UsageErrors) {
  const std::string token = makeToken(rsaKey(), "RS256", claims());
  const std::string keys = write("keys.json", publishedJwks());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"auth", "Usage: paymeshctl auth SUBCOMMAND"},
      {"auth frob", "unknown subcommand \"frob\""},
      {"auth check -f " + dir_ + "/manifests", "--service NAME is required"},
      {"auth check --service payment", "no input: give -f PATH"},
      {"auth check --service ledger -f " + dir_ + "/manifests", "no PaymentService \"ledger\" in the input"},
      {"auth check --service payment -f " + dir_ + "/manifests --port grpc",
       "payments/payment has no port \"grpc\" (ports: http, admin)"},
      {"auth check --service payment -f " + dir_ + "/manifests --now yesterday", "--now: not an RFC 3339 time"},
      {"auth check --service payment -f " + dir_ + "/manifests --jwks idp=" + keys,
       "provider idp reads its keys from ConfigMap idp-jwks, not a remote JWKS"},
      {"auth check --service payment -f " + dir_ + "/nowhere", "nowhere"},
  };
  for (const auto& [args, message] : cases) {
    const std::string with_token = args.rfind("auth check", 0) == 0 ? args + " --token '" + token + "'" : args;
    auto r = testing::runCommand(testing::paymeshctl() + " " + with_token);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  }
}

}  // namespace
}  // namespace paymesh::ctl
