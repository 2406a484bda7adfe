#include "http/https_server.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "emulator/tls_certs.h"
#include "support/https_client.h"

namespace paymesh::http {
namespace {

using paymesh::testing::HttpsClient;

struct Certs {
  emulator::TestCa ca = emulator::generateCa("test-ca");
  emulator::KeyPair leaf(const std::string& cn) {
    std::string error;
    auto kp = emulator::issueLeaf(ca.ca, cn, {"localhost"}, {"127.0.0.1"}, error);
    EXPECT_EQ(error, "");
    return kp;
  }
};

class HttpsServerTest : public ::testing::Test {
protected:
  void start(ServerOptions options = {}) {
    options.address = "127.0.0.1";
    auto leaf = certs_.leaf("one");
    auto cert = ServingCertificate::fromPem(leaf.cert_pem, leaf.key_pem);
    ASSERT_TRUE(cert.isOk()) << cert.status().toString();
    auto s = HttpsServer::start(
        options,
        [this](const Request& r) {
          calls_++;
          if (r.target == "/throw") throw std::runtime_error("boom");
          return Response{200, "application/json",
                          "{\"method\":\"" + r.method + "\",\"bytes\":" + std::to_string(r.body.size()) +
                              ",\"type\":\"" + r.content_type + "\"}"};
        },
        *cert);
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    server_ = std::move(*s);
  }

  Certs certs_;
  std::atomic<int> calls_{0};
  std::unique_ptr<HttpsServer> server_;
};

TEST_F(HttpsServerTest, ServesRequestsOnOneKeptAliveConnection) {
  start();
  HttpsClient client(server_->port(), certs_.ca.ca.cert_pem);
  for (int i = 0; i < 3; ++i) {
    auto r = client.request("POST", "/inject", "application/json", "{}");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, R"({"method":"POST","bytes":2,"type":"application/json"})");
    EXPECT_TRUE(client.connected());
  }
  EXPECT_EQ(calls_, 3);
}

TEST_F(HttpsServerTest, ABodyOverTheCapIs413WithoutCallingTheHandler) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  HttpsClient client(server_->port(), certs_.ca.ca.cert_pem);
  auto r = client.request("POST", "/inject", "application/json", std::string(1025, 'x'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.body, "request body is larger than 1024 bytes\n");
  EXPECT_EQ(calls_, 0);
  auto ok = client.request("POST", "/inject", "application/json", std::string(1024, 'x'));
  EXPECT_EQ(ok.status, 200) << ok.error;
}

TEST_F(HttpsServerTest, SevenMebibytesIsTheDefaultCap) {
  start();
  HttpsClient client(server_->port(), certs_.ca.ca.cert_pem);
  EXPECT_EQ(client.request("POST", "/", "application/json", std::string(7 * 1024 * 1024 + 1, ' ')).status, 413);
  EXPECT_EQ(client.request("POST", "/", "application/json", std::string(7 * 1024 * 1024, ' ')).status, 200);
}

TEST_F(HttpsServerTest, AMalformedRequestIs400) {
  start();
  HttpsClient client(server_->port(), certs_.ca.ca.cert_pem);
  std::string got = client.raw("POST /inject HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("malformed HTTP request"), std::string::npos) << got;
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpsServerTest, AThrowingHandlerIs500AndTheServerGoesOn) {
  start();
  HttpsClient client(server_->port(), certs_.ca.ca.cert_pem);
  auto r = client.request("GET", "/throw", "", "");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "internal error: boom\n");
  EXPECT_EQ(client.request("GET", "/", "", "").status, 200);
}

TEST_F(HttpsServerTest, OldTlsVersionsAreRefused) {
  start();
  boost::asio::io_context ioc;
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(ioc, ctx);
  boost::beast::get_lowest_layer(stream).connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server_->port()));
  boost::beast::error_code ec;
  stream.handshake(boost::asio::ssl::stream_base::client, ec);
  EXPECT_TRUE(ec) << "a TLS 1.1 handshake must fail";
}

TEST_F(HttpsServerTest, ACertificateSwapReachesNewConnectionsAndKeepsOpenOnes) {
  auto one = certs_.leaf("one");
  auto cert = *ServingCertificate::fromPem(one.cert_pem, one.key_pem);
  auto s = HttpsServer::start(
      {"127.0.0.1"},
      [](const Request&) {
        return Response{200, "text/plain", "ok"};
      },
      cert);
  ASSERT_TRUE(s.isOk());
  HttpsClient before((*s)->port(), certs_.ca.ca.cert_pem);
  ASSERT_EQ(before.request("GET", "/", "", "").status, 200);
  EXPECT_EQ(before.peerCertificatePem(), one.cert_pem);
  // Swapping means a new context; in the server it comes from ServingCertificate::reload.
  auto dir = std::filesystem::temp_directory_path() / ("paymesh-cert-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tls.crt") << one.cert_pem;
  std::ofstream(dir / "tls.key") << one.key_pem;
  auto from_dir = ServingCertificate::load(dir.string());
  ASSERT_TRUE(from_dir.isOk()) << from_dir.status().toString();
  auto s2 = HttpsServer::start(
      {"127.0.0.1"},
      [](const Request&) {
        return Response{200, "text/plain", "ok"};
      },
      *from_dir);
  ASSERT_TRUE(s2.isOk());
  HttpsClient old_conn((*s2)->port(), certs_.ca.ca.cert_pem);
  ASSERT_EQ(old_conn.request("GET", "/", "", "").status, 200);
  auto two = certs_.leaf("two");
  std::ofstream(dir / "tls.crt") << two.cert_pem;
  std::ofstream(dir / "tls.key") << two.key_pem;
  auto changed = (*from_dir)->reload();
  ASSERT_TRUE(changed.isOk()) << changed.status().toString();
  EXPECT_TRUE(*changed);
  EXPECT_FALSE(*(*from_dir)->reload()) << "nothing changed since";
  EXPECT_EQ(old_conn.request("GET", "/", "", "").status, 200) << "the open connection survives";
  EXPECT_EQ(old_conn.peerCertificatePem(), one.cert_pem);
  HttpsClient new_conn((*s2)->port(), certs_.ca.ca.cert_pem);
  ASSERT_EQ(new_conn.request("GET", "/", "", "").status, 200);
  EXPECT_EQ(new_conn.peerCertificatePem(), two.cert_pem);
  std::filesystem::remove_all(dir);
}

TEST_F(HttpsServerTest, PortInUseIsAnError) {
  start();
  auto leaf = certs_.leaf("x");
  auto again = HttpsServer::start(
      {"127.0.0.1", server_->port()}, [](const Request&) { return Response{}; },
      *ServingCertificate::fromPem(leaf.cert_pem, leaf.key_pem));
  EXPECT_FALSE(again.isOk());
  EXPECT_EQ(again.status().code(), Code::kUnavailable);
}

TEST(ServingCertificateTest, BadFilesAreErrorsAndKeepThePrevious) {
  Certs certs;
  auto a = certs.leaf("a");
  auto b = certs.leaf("b");
  EXPECT_FALSE(ServingCertificate::fromPem(a.cert_pem, b.key_pem).isOk()) << "key of another certificate";
  EXPECT_FALSE(ServingCertificate::fromPem("not pem", a.key_pem).isOk());
  auto dir = std::filesystem::temp_directory_path() / ("paymesh-cert-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto missing = ServingCertificate::load(dir.string());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().message(), (dir / "tls.crt").string() + ": cannot open");
  std::ofstream(dir / "tls.crt") << a.cert_pem;
  std::ofstream(dir / "tls.key") << a.key_pem;
  auto cert = ServingCertificate::load(dir.string());
  ASSERT_TRUE(cert.isOk());
  std::ofstream(dir / "tls.key") << b.key_pem;  // half-way through an update
  EXPECT_FALSE((*cert)->reload().isOk());
  EXPECT_EQ((*cert)->certificatePem(), a.cert_pem);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace paymesh::http
