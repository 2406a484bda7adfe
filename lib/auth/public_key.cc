#include "auth/public_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <vector>

#include "pki/ossl.h"

namespace paymesh::auth {
namespace {

using pki::ossl::BignumPtr;
using pki::ossl::Deleter;
using pki::ossl::PkeyCtxPtr;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

Status opensslError(const std::string& what) { return pki::ossl::error(Code::kInvalidArgument, what); }

BignumPtr bignum(std::string_view bytes) {
  return BignumPtr(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// A public key of `type` ("RSA", "EC") from the parameters `params`, checked by OpenSSL.
Result<PublicKey> fromData(const char* type, OSSL_PARAM* params) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
    return opensslError("OpenSSL rejects the public key");
  }
  PublicKey key(raw, EVP_PKEY_free);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return opensslError("OpenSSL rejects the public key");
  return key;
}

Result<PublicKey> fromBuilder(const char* type, OSSL_PARAM_BLD* bld) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return opensslError("cannot build the key parameters");
  return fromData(type, params.get());
}

// R||S, each `half` bytes, as the DER ECDSA-Sig-Value OpenSSL verifies.
Result<std::string> ecdsaDer(std::string_view raw, size_t half) {
  if (raw.size() != 2 * half) {
    return invalidArgument("an ECDSA signature on this curve is " + std::to_string(2 * half) + " bytes, got " +
                           std::to_string(raw.size()));
  }
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r = bignum(raw.substr(0, half));
  BignumPtr s = bignum(raw.substr(half));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return opensslError("ECDSA signature");
  (void)r.release();  // owned by sig now
  (void)s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return opensslError("ECDSA signature");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<PublicKey> rsaPublicKey(std::string_view n, std::string_view e) {
  BignumPtr bn_n = bignum(n), bn_e = bignum(e);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return opensslError("cannot build the key parameters");
  }
  return fromBuilder("RSA", bld.get());
}

Result<PublicKey> ecPublicKey(const Curve& curve, std::string_view x, std::string_view y) {
  std::string point = "\x04";  // uncompressed: 04 || x || y (SEC 1 section 2.3.3)
  point.append(x);
  point.append(y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  const std::string group(curve.group);
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return opensslError("cannot build the key parameters");
  }
  return fromBuilder("EC", bld.get());
}

Status verifySignature(const JwsAlgorithm& alg, EVP_PKEY* key, std::string_view input, std::string_view signature) {
  std::string der;
  if (alg.curve != nullptr) {
    auto converted = ecdsaDer(signature, alg.curve->coordinate_bytes);
    if (!converted) return converted.status();
    der = std::move(*converted);
    signature = der;
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  const std::string digest(alg.digest);
  if (!md || EVP_DigestVerifyInit_ex(md.get(), &pctx, digest.c_str(), nullptr, nullptr, key, nullptr) != 1) {
    return opensslError("cannot verify with this key");
  }
  if (alg.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return opensslError("cannot set RSA-PSS padding");
  }
  int ok = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size());
  ERR_clear_error();  // a bad signature leaves reasons that say nothing more
  if (ok != 1) return invalidArgument("signature does not verify");
  return Status::ok();
}

}  // namespace paymesh::auth
