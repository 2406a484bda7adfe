#pragma once
// RAII owners for OpenSSL objects and the error-queue helper shared by lib/pki and the
// token verification of lib/auth. Not part of the public API of the library: include it
// only from those sources and tests that need raw OpenSSL handles.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace paymesh::pki::ossl {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

inline void bioFree(BIO* b) { BIO_free(b); }
inline void stackOfX509Free(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void generalNamesFree(GENERAL_NAMES* g) { GENERAL_NAMES_free(g); }

using BioPtr = std::unique_ptr<BIO, Deleter<BIO, bioFree>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), stackOfX509Free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, generalNamesFree>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, Deleter<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, Deleter<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, Deleter<ASN1_BIT_STRING, ASN1_BIT_STRING_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL, SSL_free>>;

// A read-only memory BIO over text; the BIO does not copy, so text must outlive it.
BioPtr memReader(std::string_view text);
// Everything written into a memory BIO, as a string.
std::string bioContents(BIO* bio);

// Drains the thread's OpenSSL error queue into one line ("...; ..."), or "" when empty.
// OpenSSL error strings name the failing routine and reason, never the input bytes.
std::string drainErrors();
// A Status with the message "<what>" plus the drained OpenSSL reasons, if any.
Status error(Code code, const std::string& what);

}  // namespace paymesh::pki::ossl
