#include "pki/tls_context.h"

#include "pki/spiffe.h"

namespace paymesh::pki {
namespace {

// Per-connection slot for the identity error, so concurrent handshakes on one context
// never share state. The string is freed with the SSL.
int identityErrorIndex() {
  static const int index = SSL_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<std::string*>(ptr); });
  return index;
}

void setIdentityError(SSL* ssl, std::string message) {
  if (ssl == nullptr) return;
  delete static_cast<std::string*>(SSL_get_ex_data(ssl, identityErrorIndex()));
  SSL_set_ex_data(ssl, identityErrorIndex(), new std::string(std::move(message)));
}

int verifyChainAndIdentity(X509_STORE_CTX* store_ctx, void* arg) {
  const auto* allowed = static_cast<const std::vector<std::string>*>(arg);
  int ok = X509_verify_cert(store_ctx);
  if (ok != 1) return ok;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  Status s = verifyPeerSpiffeId(Certificate::fromX509(X509_STORE_CTX_get0_cert(store_ctx)), *allowed);
  if (!s.isOk()) {
    setIdentityError(ssl, s.message());
    X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return 1;
}

}  // namespace

std::string MtlsContext::peerIdentityError(const SSL* ssl) {
  const auto* message = static_cast<const std::string*>(SSL_get_ex_data(ssl, identityErrorIndex()));
  return message == nullptr ? std::string() : *message;
}

Result<MtlsContext> MtlsContext::create(Role role, const IssuedCertificate& identity, const TrustBundle& bundle,
                                        std::vector<std::string> allowed_peer_ids) {
  if (allowed_peer_ids.empty()) return invalidArgument("no allowed peer identity");
  for (const auto& id : allowed_peer_ids) {
    if (auto parsed = parseSpiffeId(id); !parsed.isOk()) return parsed.status().withContext("allowed peer identity");
  }
  if (bundle.empty()) return invalidArgument("trust bundle is empty");
  ossl::SslCtxPtr ctx(SSL_CTX_new(role == Role::kServer ? TLS_server_method() : TLS_client_method()));
  if (!ctx) return ossl::error(Code::kInternal, "creating the TLS context failed");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // Send exactly leaf + chain; never pull roots out of the trust store into the chain.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_NO_AUTO_CHAIN);
  if (SSL_CTX_use_certificate(ctx.get(), identity.certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    return ossl::error(Code::kInvalidArgument, "the TLS identity's key does not match its certificate");
  }
  for (const auto& c : identity.chain) {
    if (SSL_CTX_add1_chain_cert(ctx.get(), c.get()) != 1)
      return ossl::error(Code::kInternal, "adding the chain failed");
  }
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (const auto& ca : bundle.cas()) {
    if (X509_STORE_add_cert(store, ca.get()) != 1) return ossl::error(Code::kInternal, "adding a trusted CA failed");
  }
  // The peer must present a certificate fit for its side of the connection.
  SSL_CTX_set_purpose(ctx.get(), role == Role::kServer ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  auto allowed = std::make_unique<std::vector<std::string>>(std::move(allowed_peer_ids));
  SSL_CTX_set_cert_verify_callback(ctx.get(), verifyChainAndIdentity, allowed.get());
  ossl::drainErrors();
  return MtlsContext(std::move(ctx), std::move(allowed));
}

}  // namespace paymesh::pki
