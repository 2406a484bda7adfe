#pragma once
// A server's TLS certificate and key, from PEM files (tls.crt and tls.key of a
// kubernetes.io/tls Secret), swappable at run time. Every new connection takes the
// context current when it is accepted; a connection keeps its context to the end, so a
// reload never drops one. A reload that fails (unreadable files, a key that does not
// match the certificate: e.g. read between two writes) keeps the previous context.

#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/status.h"

namespace paymesh::http {

using SslContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// A server context: TLS 1.2 and up, the chain and key given, the key checked against it.
Result<SslContextPtr> serverContext(const std::string& cert_pem, const std::string& key_pem);

class ServingCertificate {
public:
  // Reads <dir>/tls.crt and <dir>/tls.key; fails when either is unreadable or invalid.
  static Result<std::shared_ptr<ServingCertificate>> load(const std::string& dir);
  // From PEM text (tests).
  static Result<std::shared_ptr<ServingCertificate>> fromPem(const std::string& cert_pem, const std::string& key_pem);

  // Reads the files again; on success later connections use them. Returns whether they
  // changed, or the error (the previous certificate stays).
  Result<bool> reload();

  SslContextPtr current() const;
  std::string certificatePem() const;
  const std::string& dir() const { return dir_; }

private:
  ServingCertificate() = default;
  std::string dir_;
  mutable std::mutex mu_;
  SslContextPtr context_;
  std::string cert_pem_, key_pem_;
};

}  // namespace paymesh::http
