#include "emulator/tls_certs.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace paymesh::emulator {
namespace {

using PKeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

PKeyPtr newKey() { return PKeyPtr(EVP_EC_gen("P-256"), EVP_PKEY_free); }

std::string bioString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bioString(bio.get());
}

std::string certPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert);
  return bioString(bio.get());
}

bool addExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return true;
}

X509Ptr newCert(const std::string& cn, EVP_PKEY* key) {
  X509Ptr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

TestCa generateCa(const std::string& common_name) {
  TestCa out;
  PKeyPtr key = newKey();
  if (!key) return out.error = "cannot generate a P-256 key", out;
  X509Ptr cert = newCert(common_name, key.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  addExt(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  addExt(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  addExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return out.error = "cannot self-sign the CA", out;
  out.ca = {certPem(cert.get()), keyPem(key.get())};
  return out;
}

KeyPair issueLeaf(const KeyPair& ca, const std::string& common_name, const std::vector<std::string>& dns_names,
                  const std::vector<std::string>& ips, std::string& error) {
  BioPtr cbio(BIO_new_mem_buf(ca.cert_pem.data(), static_cast<int>(ca.cert_pem.size())), BIO_free);
  BioPtr kbio(BIO_new_mem_buf(ca.key_pem.data(), static_cast<int>(ca.key_pem.size())), BIO_free);
  X509Ptr ca_cert(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr), X509_free);
  PKeyPtr ca_key(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!ca_cert || !ca_key) {
    error = "cannot read the CA certificate or key";
    return {};
  }
  PKeyPtr key = newKey();
  X509Ptr cert = newCert(common_name, key.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  addExt(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExt(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  bool server = !dns_names.empty() || !ips.empty();
  addExt(cert.get(), ca_cert.get(), NID_ext_key_usage, server ? "serverAuth,clientAuth" : "clientAuth");
  if (server) {
    std::string san;
    for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
    for (const auto& ip : ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    addExt(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  }
  if (!X509_sign(cert.get(), ca_key.get(), EVP_sha256())) {
    error = "cannot sign the leaf certificate";
    return {};
  }
  return {certPem(cert.get()), keyPem(key.get())};
}

}  // namespace paymesh::emulator
