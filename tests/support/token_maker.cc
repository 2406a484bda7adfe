#include "support/token_maker.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "base/base64.h"

namespace paymesh::testing {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("token_maker: ") + what);
}

std::string bnBytes(const EVP_PKEY* key, const char* param, int pad) {
  BIGNUM* bn = nullptr;
  check(EVP_PKEY_get_bn_param(key, param, &bn) == 1, param);
  std::string out(static_cast<size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
  auto* to = reinterpret_cast<unsigned char*>(out.data());
  check((pad > 0 ? BN_bn2binpad(bn, to, pad) : BN_bn2bin(bn, to)) >= 0, "BN_bn2bin");
  BN_free(bn);
  return out;
}

size_t coordinateBytes(const std::string& crv) { return crv == "P-256" ? 32 : crv == "P-384" ? 48 : 66; }

const char* groupName(const std::string& crv) {
  return crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : "secp521r1";
}

const char* digestOf(const std::string& alg) {
  const std::string bits = alg.substr(2);
  return bits == "256" ? "SHA256" : bits == "384" ? "SHA384" : "SHA512";
}

// OpenSSL's DER ECDSA-Sig-Value as the JWS R||S.
std::string rawEcdsa(const std::string& der, size_t half) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  check(sig != nullptr, "d2i_ECDSA_SIG");
  std::string out(2 * half, '\0');
  auto* to = reinterpret_cast<unsigned char*>(out.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), to, static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), to + half, static_cast<int>(half));
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

SigningKey SigningKey::rsa(std::string kid, int bits) {
  SigningKey k;
  k.key_.reset(EVP_RSA_gen(static_cast<unsigned>(bits)), EVP_PKEY_free);
  check(k.key_ != nullptr, "EVP_RSA_gen");
  k.kid_ = std::move(kid);
  return k;
}

SigningKey SigningKey::ec(std::string kid, const std::string& curve) {
  SigningKey k;
  k.key_.reset(EVP_EC_gen(groupName(curve)), EVP_PKEY_free);
  check(k.key_ != nullptr, "EVP_EC_gen");
  k.kid_ = std::move(kid);
  k.crv_ = curve;
  return k;
}

nlohmann::json SigningKey::jwk() const {
  nlohmann::json j;
  if (crv_.empty()) {
    j["kty"] = "RSA";
    j["n"] = base64UrlEncode(bnBytes(key_.get(), OSSL_PKEY_PARAM_RSA_N, 0));
    j["e"] = base64UrlEncode(bnBytes(key_.get(), OSSL_PKEY_PARAM_RSA_E, 0));
  } else {
    const int pad = static_cast<int>(coordinateBytes(crv_));
    j["kty"] = "EC";
    j["crv"] = crv_;
    j["x"] = base64UrlEncode(bnBytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, pad));
    j["y"] = base64UrlEncode(bnBytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, pad));
  }
  if (!kid_.empty()) j["kid"] = kid_;
  return j;
}

std::string SigningKey::sign(const std::string& alg, std::string_view input) const {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  check(EVP_DigestSignInit_ex(md, &pctx, digestOf(alg), nullptr, nullptr, key_.get(), nullptr) == 1, "sign init");
  if (alg[0] == 'P') {
    check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1, "PSS padding");
    check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1, "PSS salt length");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  size_t len = 0;
  check(EVP_DigestSign(md, nullptr, &len, in, input.size()) == 1, "sign size");
  std::string sig(len, '\0');
  check(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) == 1, "sign");
  EVP_MD_CTX_free(md);
  sig.resize(len);
  return alg[0] == 'E' ? rawEcdsa(sig, coordinateBytes(crv_)) : sig;
}

std::string jwksText(const std::vector<nlohmann::json>& keys) { return nlohmann::json{{"keys", keys}}.dump(); }

std::string encodePart(const nlohmann::json& part) { return base64UrlEncode(part.dump()); }

std::string makeToken(const SigningKey& key, const std::string& alg, const nlohmann::json& claims,
                      nlohmann::json header) {
  if (!header.contains("alg")) header["alg"] = alg;
  if (!header.contains("kid") && !key.kid().empty()) header["kid"] = key.kid();
  if (header.contains("kid") && header["kid"].is_null()) header.erase("kid");
  const std::string input = encodePart(header) + "." + encodePart(claims);
  return input + "." + base64UrlEncode(key.sign(alg, input));
}

}  // namespace paymesh::testing
