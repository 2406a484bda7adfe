// See setPublicKey: the EC_KEY calls there are deliberate.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "pki/x509_builder.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rand.h>

#include <ctime>

namespace paymesh::pki::internal {
namespace {

Status setTime(ASN1_TIME* field, TimePoint t) {
  if (ASN1_TIME_set(field, std::chrono::system_clock::to_time_t(t)) == nullptr) {
    return ossl::error(Code::kInternal, "setting certificate validity failed");
  }
  return Status::ok();
}

// A random 128-bit serial (CA/B BR ask for at least 64 bits of entropy); never zero.
Status setRandomSerial(X509* x509) {
  unsigned char bytes[16];
  do {
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) return ossl::error(Code::kInternal, "no randomness for the serial");
  } while (bytes[0] == 0 && bytes[1] == 0);  // keep it full-width and non-zero
  ossl::BignumPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x509)) == nullptr) {
    return ossl::error(Code::kInternal, "setting the serial failed");
  }
  return Status::ok();
}

Status addConfExtension(X509* x509, X509V3_CTX* ctx, int nid, const char* value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(x509, ext.get(), -1) != 1) {
    return ossl::error(Code::kInternal, std::string("adding extension ") + OBJ_nid2sn(nid) + " failed");
  }
  return Status::ok();
}

Status addName(GENERAL_NAMES* names, int type, const std::string& value) {
  GENERAL_NAME* gen = GENERAL_NAME_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  if (gen == nullptr || ia5 == nullptr || ASN1_STRING_set(ia5, value.data(), static_cast<int>(value.size())) != 1) {
    GENERAL_NAME_free(gen);
    ASN1_IA5STRING_free(ia5);
    return ossl::error(Code::kInternal, "building a subjectAltName failed");
  }
  GENERAL_NAME_set0_value(gen, type, ia5);
  if (sk_GENERAL_NAME_push(names, gen) == 0) {
    GENERAL_NAME_free(gen);
    return ossl::error(Code::kInternal, "building a subjectAltName failed");
  }
  return Status::ok();
}

// X509_set_pubkey on a provider key goes through OpenSSL 3.0's encoder and decoder
// lookups, which cost several P-256 signatures (~180 us against ~30 us per signature on
// the benchmark machine). For EC keys we hand it an equivalent public-only key of the
// built-in (legacy) kind instead, which it encodes directly; the certificate carries the
// same SubjectPublicKeyInfo and keeps a usable cached key. This is the only use of the
// deprecated EC_KEY API, hence OPENSSL_SUPPRESS_DEPRECATED at the top of this file.
Status setPublicKey(X509* x509, EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t group_len = 0;
    unsigned char point[160];
    size_t point_len = 0;
    int curve = NID_undef;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &group_len) == 1) {
      curve = OBJ_txt2nid(group);
    }
    if (curve != NID_undef && EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                                              sizeof(point), &point_len) == 1) {
      EC_KEY* ec = EC_KEY_new_by_curve_name(curve);
      ossl::PkeyPtr pub(EVP_PKEY_new());
      if (ec != nullptr && pub && EC_KEY_oct2key(ec, point, point_len, nullptr) == 1 &&
          EVP_PKEY_assign_EC_KEY(pub.get(), ec) == 1) {
        ec = nullptr;  // owned by pub now
        if (X509_set_pubkey(x509, pub.get()) == 1) return Status::ok();
      }
      EC_KEY_free(ec);
    }
    ossl::drainErrors();
  }
  if (X509_set_pubkey(x509, key) != 1) return ossl::error(Code::kInternal, "setting the public key failed");
  return Status::ok();
}

const EVP_MD* digestFor(EVP_PKEY* key) {
  // P-384 and larger EC keys pair with SHA-384; everything else with SHA-256.
  if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) >= 384) return EVP_sha384();
  return EVP_sha256();
}

}  // namespace

Result<Certificate> buildCertificate(const CertTemplate& tmpl, EVP_PKEY* subject_key, const Certificate* issuer,
                                     EVP_PKEY* issuer_key) {
  ossl::X509Ptr x509(X509_new());
  if (!x509 || X509_set_version(x509.get(), X509_VERSION_3) != 1) {
    return ossl::error(Code::kInternal, "allocating a certificate failed");
  }
  RETURN_IF_ERROR(setRandomSerial(x509.get()));
  RETURN_IF_ERROR(setTime(X509_getm_notBefore(x509.get()), tmpl.not_before));
  RETURN_IF_ERROR(setTime(X509_getm_notAfter(x509.get()), tmpl.not_after));

  X509_NAME* subject = X509_get_subject_name(x509.get());
  if (!tmpl.common_name.empty() &&
      X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(tmpl.common_name.data()),
                                 static_cast<int>(tmpl.common_name.size()), -1, 0) != 1) {
    return ossl::error(Code::kInvalidArgument, "common name is not valid (at most 64 characters)");
  }
  X509* issuer_x509 = issuer != nullptr ? issuer->get() : x509.get();
  if (X509_set_issuer_name(x509.get(), X509_get_subject_name(issuer_x509)) != 1) {
    return ossl::error(Code::kInternal, "setting the issuer failed");
  }
  RETURN_IF_ERROR(setPublicKey(x509.get(), subject_key));

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_x509, x509.get(), nullptr, nullptr, 0);
  if (tmpl.is_ca) {
    // pathlen:0: a paymesh CA signs workload certificates directly, never another CA.
    RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
    RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"));
  } else {
    RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
    // keyEncipherment only matters for RSA key transport (TLS 1.2 RSA kx).
    const char* ku =
        EVP_PKEY_is_a(subject_key, "RSA") ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
    RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_key_usage, ku));
    std::string eku;
    if (tmpl.server_auth) eku += "serverAuth";
    if (tmpl.client_auth) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    if (!eku.empty()) RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_ext_key_usage, eku.c_str()));
  }
  RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_subject_key_identifier, "hash"));
  if (issuer != nullptr) {
    RETURN_IF_ERROR(addConfExtension(x509.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  }

  if (!tmpl.dns_names.empty() || !tmpl.uris.empty()) {
    ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) return ossl::error(Code::kInternal, "allocating subjectAltName failed");
    for (const auto& u : tmpl.uris) RETURN_IF_ERROR(addName(names.get(), GEN_URI, u));
    for (const auto& d : tmpl.dns_names) RETURN_IF_ERROR(addName(names.get(), GEN_DNS, d));
    // RFC 5280 4.2.1.6: critical when the subject is empty.
    int critical = tmpl.common_name.empty() ? 1 : 0;
    if (X509_add1_ext_i2d(x509.get(), NID_subject_alt_name, names.get(), critical, X509V3_ADD_DEFAULT) != 1) {
      return ossl::error(Code::kInternal, "adding subjectAltName failed");
    }
  }

  if (X509_sign(x509.get(), issuer_key, digestFor(issuer_key)) <= 0) {
    return ossl::error(Code::kInternal, "signing the certificate failed");
  }
  return Certificate::adopt(std::move(x509));
}

}  // namespace paymesh::pki::internal
