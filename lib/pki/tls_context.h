#pragma once
// A mutual-TLS SSL_CTX for one mesh endpoint: presents its issued certificate, trusts a
// bundle, requires a peer certificate, and accepts the peer only when its SPIFFE ID is
// the expected one (checked inside the handshake, so a wrong identity aborts it).

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "pki/issue.h"
#include "pki/ossl.h"
#include "pki/trust_bundle.h"

namespace paymesh::pki {

class MtlsContext {
public:
  enum class Role { kServer, kClient };

  static Result<MtlsContext> create(Role role, const IssuedCertificate& identity, const TrustBundle& bundle,
                                    std::string expected_peer_id);

  SSL_CTX* get() const { return ctx_.get(); }
  // Why the last peer was refused by the identity check ("" if it was not).
  std::string lastIdentityError() const { return check_->last_error; }

private:
  struct PeerCheck {
    std::string expected;
    std::string last_error;
  };
  MtlsContext(ossl::SslCtxPtr ctx, std::unique_ptr<PeerCheck> check) : ctx_(std::move(ctx)), check_(std::move(check)) {}
  ossl::SslCtxPtr ctx_;
  std::unique_ptr<PeerCheck> check_;  // stable address: the verify callback holds it
};

}  // namespace paymesh::pki
