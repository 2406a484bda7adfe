#include "pki/certificate.h"

#include <openssl/pem.h>

#include <cstdio>
#include <ctime>

#include "base/hex.h"
#include "base/quote.h"
#include "base/saturating_time.h"
#include "base/time_format.h"

namespace paymesh::pki {
namespace {

TimePoint asn1ToTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint{};
  // 99991231235959Z (RFC 5280's "no well-defined expiration") is past 2262: it saturates
  // at TimePoint::max() instead of wrapping into the past.
  return timeFromUnixSeconds(timegm(&tm));
}

std::string nameToString(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  return ossl::bioContents(bio.get());
}

template <typename Fn>
void forEachGeneralName(X509* x509, Fn fn) {
  ossl::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) fn(sk_GENERAL_NAME_value(names.get(), i));
}

std::string ia5(const ASN1_IA5STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

Certificate::Certificate(const Certificate& other) : x509_(nullptr) { *this = other; }

Certificate& Certificate::operator=(const Certificate& other) {
  if (this != &other) {
    if (other.x509_) X509_up_ref(other.x509_.get());
    x509_.reset(other.x509_.get());
  }
  return *this;
}

Result<Certificate> Certificate::fromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(auto certs, parsePemCertificates(pem));
  if (certs.size() != 1) {
    return invalidArgument("expected one certificate, found " + std::to_string(certs.size()));
  }
  return std::move(certs.front());
}

Certificate Certificate::fromX509(X509* x509) {
  X509_up_ref(x509);
  return Certificate(ossl::X509Ptr(x509));
}

std::string Certificate::toPem() const {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1) return {};
  return ossl::bioContents(bio.get());
}

TimePoint Certificate::notBefore() const { return asn1ToTimePoint(X509_get0_notBefore(x509_.get())); }
TimePoint Certificate::notAfter() const { return asn1ToTimePoint(X509_get0_notAfter(x509_.get())); }

std::vector<std::string> Certificate::dnsNames() const {
  std::vector<std::string> out;
  forEachGeneralName(x509_.get(), [&](const GENERAL_NAME* n) {
    if (n->type == GEN_DNS) out.push_back(ia5(n->d.dNSName));
  });
  return out;
}

std::vector<std::string> Certificate::uris() const {
  std::vector<std::string> out;
  forEachGeneralName(x509_.get(), [&](const GENERAL_NAME* n) {
    if (n->type == GEN_URI) out.push_back(ia5(n->d.uniformResourceIdentifier));
  });
  return out;
}

bool Certificate::isCa() const {
  // X509_check_ca also accepts v1 roots and keyCertSign-only certificates; we want the
  // explicit basicConstraints CA:TRUE.
  ossl::BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x509_.get(), NID_basic_constraints, nullptr, nullptr)));
  return bc && bc->ca != 0;
}

bool Certificate::isSelfSigned() const { return X509_self_signed(x509_.get(), 0) == 1; }

KeyUsage Certificate::keyUsage() const {
  KeyUsage ku;
  uint32_t bits = X509_get_key_usage(x509_.get());
  if (bits != UINT32_MAX) {
    ku.digital_signature = (bits & KU_DIGITAL_SIGNATURE) != 0;
    ku.key_encipherment = (bits & KU_KEY_ENCIPHERMENT) != 0;
    ku.key_cert_sign = (bits & KU_KEY_CERT_SIGN) != 0;
    ku.crl_sign = (bits & KU_CRL_SIGN) != 0;
  }
  uint32_t xku = X509_get_extended_key_usage(x509_.get());
  if (xku != UINT32_MAX) {
    ku.server_auth = (xku & XKU_SSL_SERVER) != 0;
    ku.client_auth = (xku & XKU_SSL_CLIENT) != 0;
  }
  return ku;
}

std::string Certificate::subjectCommonName() const {
  const X509_NAME* name = X509_get_subject_name(x509_.get());
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string Certificate::subject() const { return nameToString(X509_get_subject_name(x509_.get())); }
std::string Certificate::issuer() const { return nameToString(X509_get_issuer_name(x509_.get())); }

std::string Certificate::serialHex() const {
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  return out;
}

std::string Certificate::fingerprintSha256() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x509_.get(), EVP_sha256(), md, &len) != 1) return {};
  return hexEncode(md, len);
}

bool Certificate::matchesKey(const PrivateKey& key) const {
  bool ok = X509_check_private_key(x509_.get(), key.get()) == 1;
  ossl::drainErrors();
  return ok;
}

bool Certificate::isSignedBy(const Certificate& issuer_cert) const {
  EVP_PKEY* pub = X509_get0_pubkey(issuer_cert.get());
  bool ok = pub != nullptr && X509_verify(x509_.get(), pub) == 1;
  ossl::drainErrors();
  return ok;
}

Result<std::vector<Certificate>> parsePemCertificates(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) return invalidArgument("certificate PEM is larger than 1 MiB");
  // Walk the PEM blocks ourselves so that every block is accounted for and errors can
  // say which one is wrong without quoting it.
  std::vector<Certificate> out;
  size_t pos = 0;
  constexpr std::string_view kBegin = "-----BEGIN ";
  while ((pos = pem.find(kBegin, pos)) != std::string_view::npos) {
    size_t label_end = pem.find("-----", pos + kBegin.size());
    if (label_end == std::string_view::npos) {
      return invalidArgument("malformed PEM: unterminated BEGIN line in block " + std::to_string(out.size() + 1));
    }
    std::string_view label = pem.substr(pos + kBegin.size(), label_end - pos - kBegin.size());
    std::string block_name = "PEM block " + std::to_string(out.size() + 1);
    if (label != "CERTIFICATE") {
      if (label.find("PRIVATE KEY") != std::string_view::npos) {
        return invalidArgument(block_name + " is a private key where a certificate was expected");
      }
      bool plain_label = label.size() <= 40 &&
                         label.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ") == std::string_view::npos;
      return invalidArgument(block_name + " is not a CERTIFICATE (found " +
                             (plain_label ? paymesh::quoted(label) : std::string("a malformed label")) + ")");
    }
    std::string end_marker = "-----END CERTIFICATE-----";
    size_t end = pem.find(end_marker, label_end);
    if (end == std::string_view::npos) return invalidArgument("malformed PEM: " + block_name + " has no END line");
    end += end_marker.size();
    auto bio = ossl::memReader(pem.substr(pos, end - pos));
    X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) return ossl::error(Code::kInvalidArgument, "malformed certificate in " + block_name);
    out.push_back(Certificate::adopt(ossl::X509Ptr(raw)));
    pos = end;
  }
  if (out.empty()) return invalidArgument("no PEM certificate found (no \"-----BEGIN CERTIFICATE-----\" line)");
  return out;
}

std::string toPem(const std::vector<Certificate>& certs) {
  std::string out;
  for (const auto& c : certs) out += c.toPem();
  return out;
}

std::string formatTime(TimePoint t) { return formatRfc3339(t); }

}  // namespace paymesh::pki
