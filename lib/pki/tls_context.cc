#include "pki/tls_context.h"

#include "pki/spiffe.h"

namespace paymesh::pki {

Result<MtlsContext> MtlsContext::create(Role role, const IssuedCertificate& identity, const TrustBundle& bundle,
                                        std::string expected_peer_id) {
  if (auto parsed = parseSpiffeId(expected_peer_id); !parsed.isOk()) {
    return parsed.status().withContext("expected peer identity");
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
    if (SSL_CTX_add1_chain_cert(ctx.get(), c.get()) != 1) return ossl::error(Code::kInternal, "adding the chain failed");
  }
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (const auto& ca : bundle.cas()) {
    if (X509_STORE_add_cert(store, ca.get()) != 1) return ossl::error(Code::kInternal, "adding a trusted CA failed");
  }
  // The peer must present a certificate fit for its side of the connection.
  SSL_CTX_set_purpose(ctx.get(), role == Role::kServer ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

  auto check = std::make_unique<PeerCheck>(PeerCheck{std::move(expected_peer_id), {}});
  SSL_CTX_set_cert_verify_callback(
      ctx.get(),
      [](X509_STORE_CTX* store_ctx, void* arg) -> int {
        auto* peer_check = static_cast<PeerCheck*>(arg);
        int ok = X509_verify_cert(store_ctx);
        if (ok != 1) return ok;
        Status s = verifyPeerSpiffeId(Certificate::fromX509(X509_STORE_CTX_get0_cert(store_ctx)), peer_check->expected);
        if (!s.isOk()) {
          peer_check->last_error = s.message();
          X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
          return 0;
        }
        peer_check->last_error.clear();
        return 1;
      },
      check.get());
  ossl::drainErrors();
  return MtlsContext(std::move(ctx), std::move(check));
}

}  // namespace paymesh::pki
