#include "pki/tls_context.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "pki/authority.h"
#include "pki/spiffe.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;

// Real sockets on 127.0.0.1, port 0, OpenSSL on both ends; the handshake uses the wall
// clock, so certificates here are issued relative to it.
struct Endpoint {
  IssuedCertificate identity;
  TrustBundle bundle;
  std::vector<std::string> allowed_peers;
};

struct Outcome {
  bool server_ok = false;
  bool client_ok = false;
  std::string server_error;
  std::string client_error;
  std::string server_identity_error;
  std::string client_identity_error;
  std::string server_saw;  // the client's SPIFFE ID as the server saw it
};

class Socket {
public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

private:
  int fd_;
};

void setTimeouts(int fd) {
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::string sslError(SSL* ssl, int rc) {
  std::string out = "ssl error " + std::to_string(SSL_get_error(ssl, rc));
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) out += std::string(", verify: ") + X509_verify_cert_error_string(verify);
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += std::string(", ") + buf;
  }
  return out;
}

Outcome handshake(const Endpoint& server, const Endpoint& client) {
  Outcome out;
  auto server_ctx =
      MtlsContext::create(MtlsContext::Role::kServer, server.identity, server.bundle, server.allowed_peers);
  auto client_ctx =
      MtlsContext::create(MtlsContext::Role::kClient, client.identity, client.bundle, client.allowed_peers);
  EXPECT_TRUE(server_ctx.isOk()) << server_ctx.status().toString();
  EXPECT_TRUE(client_ctx.isOk()) << client_ctx.status().toString();
  if (!server_ctx.isOk() || !client_ctx.isOk()) return out;

  Socket listener(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  EXPECT_EQ(bind(listener.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(listen(listener.fd(), 1), 0);
  EXPECT_EQ(getsockname(listener.fd(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  EXPECT_NE(addr.sin_port, 0);

  std::thread server_thread([&] {
    Socket conn(accept(listener.fd(), nullptr, nullptr));
    if (conn.fd() < 0) return;
    setTimeouts(conn.fd());
    ossl::SslPtr ssl(SSL_new(server_ctx->get()));
    SSL_set_fd(ssl.get(), conn.fd());
    int rc = SSL_accept(ssl.get());
    if (rc != 1) {
      out.server_error = sslError(ssl.get(), rc);
      out.server_identity_error = MtlsContext::peerIdentityError(ssl.get());
      return;
    }
    char buf[4] = {};
    rc = SSL_read(ssl.get(), buf, sizeof(buf));
    if (rc != 4 || std::string(buf, 4) != "ping") {
      out.server_error = sslError(ssl.get(), rc);
      out.server_identity_error = MtlsContext::peerIdentityError(ssl.get());
      return;
    }
    ossl::X509Ptr peer(SSL_get1_peer_certificate(ssl.get()));
    if (peer) {
      auto uris = Certificate::fromX509(peer.get()).uris();
      if (!uris.empty()) out.server_saw = uris.front();
    }
    out.server_ok = SSL_write(ssl.get(), "pong", 4) == 4;
    SSL_shutdown(ssl.get());
  });

  {  // the client closes its socket before the server thread is joined
    Socket conn(socket(AF_INET, SOCK_STREAM, 0));
    setTimeouts(conn.fd());
    if (connect(conn.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      ossl::SslPtr ssl(SSL_new(client_ctx->get()));
      SSL_set_fd(ssl.get(), conn.fd());
      int rc = SSL_connect(ssl.get());
      if (rc != 1) {
        out.client_error = sslError(ssl.get(), rc);
        out.client_identity_error = MtlsContext::peerIdentityError(ssl.get());
      } else {
        // In TLS 1.3 the server judges the client certificate after the client has
        // finished; a refusal shows up on the first read.
        char buf[4] = {};
        int w = SSL_write(ssl.get(), "ping", 4);
        int r = w == 4 ? SSL_read(ssl.get(), buf, sizeof(buf)) : w;
        if (r == 4 && std::string(buf, 4) == "pong") {
          out.client_ok = true;
        } else {
          out.client_error = sslError(ssl.get(), r);
        }
      }
    } else {
      out.client_error = "connect failed";
    }
  }
  server_thread.join();
  return out;
}

class MtlsHandshakeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
  void SetUp() override {
    now_ = std::chrono::system_clock::now();
    // Created in the past so that already-expired leaves can be issued from them.
    ca_.emplace(*CertificateAuthority::create({}, now_ - 72h));
    other_ca_.emplace(*CertificateAuthority::create({"another CA", KeyAlgorithm::kEcdsaP256, 24h * 30}, now_ - 72h));
    bundle_ = TrustBundle({ca_->certificate()});
  }
  IssuedCertificate workload(const CertificateAuthority& ca, const std::string& sa, TimePoint at,
                             KeyAlgorithm alg = KeyAlgorithm::kEcdsaP256) {
    auto spec = workloadLeafSpec({"cluster.local", "payments", sa, sa}, 24h, alg);
    auto issued = issueCertificate(ca, *spec, at);
    EXPECT_TRUE(issued.isOk()) << issued.status().toString();
    return *issued;
  }
  static std::string id(const std::string& sa) { return *spiffeId("cluster.local", "payments", sa); }

  Endpoint settlementServer() { return {workload(*ca_, "settlement", now_), bundle_, {id("payment")}}; }
  Endpoint paymentClient(IssuedCertificate cert) { return {std::move(cert), bundle_, {id("settlement")}}; }

  TimePoint now_;
  std::optional<CertificateAuthority> ca_;
  std::optional<CertificateAuthority> other_ca_;
  TrustBundle bundle_;
};

TEST_F(MtlsHandshakeTest, PeersWithIssuedCertificatesConnect) {
  Outcome o = handshake(settlementServer(), paymentClient(workload(*ca_, "payment", now_)));
  EXPECT_TRUE(o.server_ok) << o.server_error;
  EXPECT_TRUE(o.client_ok) << o.client_error;
  EXPECT_EQ(o.server_saw, "spiffe://cluster.local/ns/payments/sa/payment");
}

TEST_F(MtlsHandshakeTest, RsaAndEcdsaPeersConnect) {
  Endpoint server{workload(*ca_, "settlement", now_, KeyAlgorithm::kRsa2048), bundle_, {id("payment")}};
  Outcome o = handshake(server, paymentClient(workload(*ca_, "payment", now_)));
  EXPECT_TRUE(o.server_ok) << o.server_error;
  EXPECT_TRUE(o.client_ok) << o.client_error;
}

TEST_F(MtlsHandshakeTest, ServerAdmitsAnyOfItsAllowedCallers) {
  Endpoint server = settlementServer();
  server.allowed_peers = {id("payment"), id("refunds")};
  Outcome o = handshake(server, paymentClient(workload(*ca_, "refunds", now_)));
  EXPECT_TRUE(o.server_ok) << o.server_error;
  EXPECT_TRUE(o.client_ok) << o.client_error;
  EXPECT_EQ(o.server_saw, id("refunds"));
  Outcome refused = handshake(server, paymentClient(workload(*ca_, "clearing", now_)));
  EXPECT_FALSE(refused.server_ok);
  EXPECT_NE(refused.server_identity_error.find("is not one of the 2 allowed identities"), std::string::npos)
      << refused.server_identity_error;
}

TEST_F(MtlsHandshakeTest, ClientFromAnotherCaIsRefused) {
  Outcome o = handshake(settlementServer(), paymentClient(workload(*other_ca_, "payment", now_)));
  EXPECT_FALSE(o.server_ok);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.server_error.find("unable to get local issuer certificate"), std::string::npos) << o.server_error;
}

TEST_F(MtlsHandshakeTest, ServerFromAnotherCaIsRefused) {
  Endpoint server{workload(*other_ca_, "settlement", now_), bundle_, {id("payment")}};
  server.bundle = TrustBundle({ca_->certificate(), other_ca_->certificate()});  // it would accept the client
  Outcome o = handshake(server, paymentClient(workload(*ca_, "payment", now_)));
  EXPECT_FALSE(o.client_ok);
  EXPECT_FALSE(o.server_ok);
  EXPECT_NE(o.client_error.find("unable to get local issuer certificate"), std::string::npos) << o.client_error;
}

TEST_F(MtlsHandshakeTest, ExpiredClientCertificateIsRefused) {
  Outcome o = handshake(settlementServer(), paymentClient(workload(*ca_, "payment", now_ - 48h)));
  EXPECT_FALSE(o.server_ok);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.server_error.find("certificate has expired"), std::string::npos) << o.server_error;
}

TEST_F(MtlsHandshakeTest, ExpiredServerCertificateIsRefused) {
  Endpoint server{workload(*ca_, "settlement", now_ - 48h), bundle_, {id("payment")}};
  Outcome o = handshake(server, paymentClient(workload(*ca_, "payment", now_)));
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.client_error.find("certificate has expired"), std::string::npos) << o.client_error;
}

TEST_F(MtlsHandshakeTest, WrongClientIdentityIsRefused) {
  // Signed by the right CA, but it is clearing calling where only payment may.
  Outcome o = handshake(settlementServer(), paymentClient(workload(*ca_, "clearing", now_)));
  EXPECT_FALSE(o.server_ok);
  EXPECT_FALSE(o.client_ok);
  EXPECT_NE(o.server_error.find("application verification failure"), std::string::npos) << o.server_error;
  EXPECT_NE(o.server_identity_error.find("peer SPIFFE ID \"spiffe://cluster.local/ns/payments/sa/clearing\" is not "
                                         "the expected \"spiffe://cluster.local/ns/payments/sa/payment\""),
            std::string::npos)
      << o.server_identity_error;
}

TEST_F(MtlsHandshakeTest, WrongServerIdentityIsRefused) {
  Endpoint server{workload(*ca_, "impostor", now_), bundle_, {id("payment")}};
  Outcome o = handshake(server, paymentClient(workload(*ca_, "payment", now_)));
  EXPECT_FALSE(o.client_ok);
  EXPECT_FALSE(o.server_ok);
  EXPECT_NE(o.client_identity_error.find("sa/impostor\" is not the expected"), std::string::npos)
      << o.client_identity_error;
}

TEST_F(MtlsHandshakeTest, CreateRejectsBadInputs) {
  auto cert = workload(*ca_, "payment", now_);
  EXPECT_FALSE(MtlsContext::create(MtlsContext::Role::kServer, cert, bundle_, "payment").isOk());
  EXPECT_FALSE(MtlsContext::create(MtlsContext::Role::kServer, cert, bundle_, std::vector<std::string>{}).isOk());
  EXPECT_FALSE(MtlsContext::create(MtlsContext::Role::kServer, cert, TrustBundle(), id("x")).isOk());
  IssuedCertificate mismatched = cert;
  mismatched.key = *PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  auto r = MtlsContext::create(MtlsContext::Role::kServer, mismatched, bundle_, id("x"));
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("key does not match"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::pki
