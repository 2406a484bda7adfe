#include "pki/key.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>

namespace paymesh::pki {

PrivateKey::PrivateKey(const PrivateKey& other) : pkey_(nullptr) { *this = other; }

PrivateKey& PrivateKey::operator=(const PrivateKey& other) {
  if (this != &other) {
    if (other.pkey_) EVP_PKEY_up_ref(other.pkey_.get());
    pkey_.reset(other.pkey_.get());
  }
  return *this;
}

Result<PrivateKey> PrivateKey::generate(KeyAlgorithm algorithm) {
  EVP_PKEY* raw = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyAlgorithm::kRsa2048: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
    case KeyAlgorithm::kRsa3072: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)); break;
  }
  if (raw == nullptr) {
    return ossl::error(Code::kInternal, std::string("generating a ") + keyAlgorithmName(algorithm) + " key failed");
  }
  return PrivateKey(ossl::PkeyPtr(raw));
}

Result<PrivateKey> PrivateKey::fromPem(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) return invalidArgument("private key PEM is larger than 1 MiB");
  if (pem.find("-----BEGIN") == std::string_view::npos) {
    return invalidArgument("private key is not PEM: no \"-----BEGIN\" line");
  }
  if (pem.find("ENCRYPTED") != std::string_view::npos) {
    return invalidArgument("private key is encrypted; paymesh needs an unencrypted PKCS#8 key");
  }
  auto bio = ossl::memReader(pem);
  // An empty passphrase callback: never prompt on a terminal.
  auto no_pass = [](char*, int, int, void*) -> int { return -1; };
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass, nullptr);
  if (raw == nullptr) return ossl::error(Code::kInvalidArgument, "malformed private key PEM");
  ossl::drainErrors();
  PrivateKey key{ossl::PkeyPtr(raw)};
  // Loaded keys (a CA managed elsewhere) may be any EC curve or RSA of 2048+ bits.
  if (EVP_PKEY_is_a(raw, "RSA")) {
    if (EVP_PKEY_get_bits(raw) < 2048) return invalidArgument("RSA private key is shorter than 2048 bits");
  } else if (!EVP_PKEY_is_a(raw, "EC")) {
    return invalidArgument("unsupported private key type; paymesh supports ECDSA and RSA keys");
  }
  return key;
}

Result<std::string> PrivateKey::toPkcs8Pem() const {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return ossl::error(Code::kInternal, "encoding the private key as PKCS#8 failed");
  }
  return ossl::bioContents(bio.get());
}

Result<KeyAlgorithm> PrivateKey::algorithm() const {
  if (EVP_PKEY_is_a(pkey_.get(), "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) == 1 &&
        (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)) {
      return KeyAlgorithm::kEcdsaP256;
    }
    ossl::drainErrors();
    return invalidArgument(std::string("unsupported EC curve \"") + group + "\"; paymesh supports P-256 only");
  }
  if (EVP_PKEY_is_a(pkey_.get(), "RSA")) {
    int bits = EVP_PKEY_get_bits(pkey_.get());
    if (bits == 2048) return KeyAlgorithm::kRsa2048;
    if (bits == 3072) return KeyAlgorithm::kRsa3072;
    return invalidArgument("unsupported RSA key size " + std::to_string(bits) + "; paymesh supports 2048 and 3072");
  }
  return invalidArgument("unsupported key type; paymesh supports ECDSA P-256 and RSA 2048/3072");
}

}  // namespace paymesh::pki
