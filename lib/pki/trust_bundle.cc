#include "pki/trust_bundle.h"

#include "base/base64.h"

namespace paymesh::pki {

TrustBundle::TrustBundle(std::vector<Certificate> cas) {
  for (auto& c : cas) add(c);
}

Result<TrustBundle> TrustBundle::fromPem(std::string_view pem) {
  auto certs = parsePemCertificates(pem);
  if (!certs.isOk()) return certs.status().withContext("trust bundle");
  TrustBundle bundle;
  for (size_t i = 0; i < certs->size(); ++i) {
    if (!(*certs)[i].isCa()) {
      return invalidArgument("trust bundle: certificate " + std::to_string(i + 1) + " (\"" + (*certs)[i].subject() +
                             "\") is not a CA");
    }
    bundle.add((*certs)[i]);
  }
  return bundle;
}

void TrustBundle::add(const Certificate& ca) {
  if (!contains(ca)) cas_.push_back(ca);
}

bool TrustBundle::contains(const Certificate& ca) const {
  for (const auto& c : cas_) {
    if (X509_cmp(c.get(), ca.get()) == 0) return true;
  }
  return false;
}

std::string TrustBundle::toPem() const { return pki::toPem(cas_); }

std::string TrustBundle::caBundle() const { return base64Encode(toPem()); }

Status TrustBundle::verify(const Certificate& leaf, const std::vector<Certificate>& intermediates, TimePoint at,
                           Purpose purpose) const {
  if (cas_.empty()) return failedPrecondition("trust bundle is empty");
  ossl::X509StorePtr store(X509_STORE_new());
  ossl::X509StackPtr chain(sk_X509_new_null());
  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !chain || !ctx) return ossl::error(Code::kInternal, "allocating a verify context failed");
  for (const auto& ca : cas_) {
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) return ossl::error(Code::kInternal, "adding a CA failed");
  }
  for (const auto& c : intermediates) {
    X509_up_ref(c.get());
    if (sk_X509_push(chain.get(), c.get()) == 0) {
      X509_free(c.get());
      return ossl::error(Code::kInternal, "building the chain failed");
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), chain.get()) != 1) {
    return ossl::error(Code::kInternal, "initialising the verify context failed");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  if (purpose == Purpose::kServer) X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (purpose == Purpose::kClient) X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
  int ok = X509_verify_cert(ctx.get());
  if (ok == 1) {
    ossl::drainErrors();
    return Status::ok();
  }
  int err = X509_STORE_CTX_get_error(ctx.get());
  ossl::drainErrors();
  return {Code::kPermissionDenied, "certificate \"" + leaf.subject() + "\" (serial " + leaf.serialHex() +
                                       ") does not verify at " + formatTime(at) + ": " +
                                       X509_verify_cert_error_string(err)};
}

}  // namespace paymesh::pki
