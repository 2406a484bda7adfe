#include "http/serving_certificate.h"

#include <openssl/ssl.h>

#include <fstream>
#include <sstream>

namespace paymesh::http {
namespace {

namespace ssl = boost::asio::ssl;

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return notFound(path + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<SslContextPtr> serverContext(const std::string& cert_pem, const std::string& key_pem) {
  try {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->use_certificate_chain(boost::asio::buffer(cert_pem));
    ctx->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
      return invalidArgument("the private key does not match the certificate");
    return ctx;
  } catch (const boost::system::system_error& e) {
    return invalidArgument(std::string("invalid certificate or key: ") + e.what());
  }
}

Result<std::shared_ptr<ServingCertificate>> ServingCertificate::fromPem(const std::string& cert_pem,
                                                                        const std::string& key_pem) {
  ASSIGN_OR_RETURN(auto ctx, serverContext(cert_pem, key_pem));
  std::shared_ptr<ServingCertificate> out(new ServingCertificate());
  out->context_ = std::move(ctx);
  out->cert_pem_ = cert_pem;
  out->key_pem_ = key_pem;
  return out;
}

Result<std::shared_ptr<ServingCertificate>> ServingCertificate::load(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string cert, readFile(dir + "/tls.crt"));
  ASSIGN_OR_RETURN(std::string key, readFile(dir + "/tls.key"));
  auto out = fromPem(cert, key);
  if (!out.isOk()) return out.status().withContext(dir);
  (*out)->dir_ = dir;
  return out;
}

Result<bool> ServingCertificate::reload() {
  if (dir_.empty()) return false;
  ASSIGN_OR_RETURN(std::string cert, readFile(dir_ + "/tls.crt"));
  ASSIGN_OR_RETURN(std::string key, readFile(dir_ + "/tls.key"));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cert == cert_pem_ && key == key_pem_) return false;
  }
  auto ctx = serverContext(cert, key);
  if (!ctx.isOk()) return ctx.status().withContext(dir_);
  std::lock_guard<std::mutex> lock(mu_);
  context_ = std::move(*ctx);
  cert_pem_ = std::move(cert);
  key_pem_ = std::move(key);
  return true;
}

SslContextPtr ServingCertificate::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return context_;
}

std::string ServingCertificate::certificatePem() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cert_pem_;
}

}  // namespace paymesh::http
