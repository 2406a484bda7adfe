#include "pki/authority.h"

#include "base/saturating_time.h"
#include "pki/issue.h"
#include "pki/x509_builder.h"

namespace paymesh::pki {

Status validateCaCertificate(const Certificate& cert, TimePoint now) {
  auto who = [&] { return "CA certificate \"" + cert.subject() + "\""; };
  if (!cert.isCa()) return invalidArgument(who() + " is not a CA: basicConstraints CA:TRUE is missing");
  // A keyUsage extension, when present, must allow signing certificates.
  if (X509_get_key_usage(cert.get()) != UINT32_MAX && !cert.keyUsage().key_cert_sign) {
    return invalidArgument(who() + " has a keyUsage without keyCertSign");
  }
  TimePoint not_after = cert.notAfter();
  if (now > not_after) return failedPrecondition(who() + " expired at " + formatTime(not_after));
  if (now < cert.notBefore()) {
    return failedPrecondition(who() + " is not valid before " + formatTime(cert.notBefore()));
  }
  return Status::ok();
}

Result<CertificateAuthority> CertificateAuthority::create(const CaOptions& options, TimePoint now) {
  if (options.common_name.empty() || options.common_name.size() > 64) {
    return invalidArgument("CA common name must be 1 to 64 characters");
  }
  if (options.duration < std::chrono::hours(1)) return invalidArgument("CA duration must be at least 1h");
  if (options.duration > std::chrono::hours(24 * 365 * 100))
    return invalidArgument("CA duration must be at most 100 years");
  ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::generate(options.key_algorithm));
  internal::CertTemplate tmpl;
  tmpl.common_name = options.common_name;
  tmpl.not_before = now - kClockSkewAllowance;
  tmpl.not_after = saturatingAdd(now, options.duration);
  tmpl.is_ca = true;
  ASSIGN_OR_RETURN(Certificate cert, internal::buildCertificate(tmpl, key.get(), nullptr, key.get()));
  return CertificateAuthority(std::move(cert), std::move(key), {});
}

Result<CertificateAuthority> CertificateAuthority::load(std::string_view cert_pem, std::string_view key_pem,
                                                        TimePoint now) {
  auto certs = parsePemCertificates(cert_pem);
  if (!certs.isOk()) return certs.status().withContext("CA certificate");
  auto key = PrivateKey::fromPem(key_pem);
  if (!key.isOk()) return key.status().withContext("CA key");
  Certificate cert = certs->front();
  RETURN_IF_ERROR(validateCaCertificate(cert, now));
  if (!cert.matchesKey(*key)) {
    return invalidArgument("CA key does not match the CA certificate \"" + cert.subject() + "\"");
  }
  std::vector<Certificate> chain(certs->begin() + 1, certs->end());
  return CertificateAuthority(std::move(cert), std::move(key).value(), std::move(chain));
}

std::vector<Certificate> CertificateAuthority::chainForLeaves() const {
  if (cert_.isSelfSigned()) return {};
  std::vector<Certificate> out{cert_};
  for (const auto& c : chain_) {
    if (!c.isSelfSigned()) out.push_back(c);  // roots belong in the trust bundle, not tls.crt
  }
  return out;
}

}  // namespace paymesh::pki
