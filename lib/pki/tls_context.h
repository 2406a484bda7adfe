#pragma once
// A mutual-TLS SSL_CTX for one mesh endpoint: presents its issued certificate, trusts a
// bundle, requires a peer certificate, and accepts the peer only when its SPIFFE ID is
// one of the allowed ones (checked inside the handshake, so a wrong identity aborts it).

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "pki/issue.h"
#include "pki/ossl.h"
#include "pki/trust_bundle.h"

namespace paymesh::pki {

class MtlsContext {
public:
  enum class Role { kServer, kClient };

  static Result<MtlsContext> create(Role role, const IssuedCertificate& identity, const TrustBundle& bundle,
                                    std::vector<std::string> allowed_peer_ids);
  static Result<MtlsContext> create(Role role, const IssuedCertificate& identity, const TrustBundle& bundle,
                                    std::string expected_peer_id) {
    return create(role, identity, bundle, std::vector<std::string>{std::move(expected_peer_id)});
  }

  // Shared by every connection made from it; safe to use from several threads.
  SSL_CTX* get() const { return ctx_.get(); }

  // Why the peer of this connection was refused by the identity check ("" if it was not).
  static std::string peerIdentityError(const SSL* ssl);

private:
  MtlsContext(ossl::SslCtxPtr ctx, std::unique_ptr<std::vector<std::string>> allowed)
      : ctx_(std::move(ctx)), allowed_(std::move(allowed)) {}
  ossl::SslCtxPtr ctx_;
  std::unique_ptr<std::vector<std::string>> allowed_;  // stable address: the verify callback reads it
};

}  // namespace paymesh::pki
