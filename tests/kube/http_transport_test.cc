// The client's own HTTP transport on loopback: a pooled connection the server has closed is
// replaced without losing the request (a written POST is not sent twice), a server that never answers is a deadline, a
// bad server URL is refused up front, and kubeconfig's tls-server-name is the name checked.

#include "kube/http_transport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <thread>

#include "emulator_fixture.h"
#include "kube/kubeconfig.h"
#include "kube/rest_client.h"

namespace paymesh::kube {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Answers each connection's first request with 200 and "Connection: keep-alive", then
// closes it: the next request on that connection finds it gone. With `silent`, reads the
// request and never answers.
class OneShotServer {
public:
  explicit OneShotServer(bool silent = false) : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, silent] {
      for (;;) {
        tcp::socket s(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec || stop_) return;
        ++connections_;
        asio::streambuf buf;
        asio::read_until(s, buf, "\r\n\r\n", ec);
        if (ec) continue;
        {
          std::string head(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
          std::lock_guard lock(mu_);
          request_line_ = head.substr(0, head.find("\r\n"));
        }
        if (silent) {
          held_.push_back(std::move(s));
          continue;
        }
        std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_.size()) +
            "\r\nConnection: keep-alive\r\n\r\n" + body_;
        asio::write(s, asio::buffer(answer), ec);
        s.close(ec);
      }
    });
  }
  ~OneShotServer() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  int connections() const { return connections_; }
  std::string requestLine() const {
    std::lock_guard lock(mu_);
    return request_line_;
  }

private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::vector<tcp::socket> held_;
  mutable std::mutex mu_;
  std::string request_line_;  // of the last request
  std::string body_ = R"({"kind":"Status","status":"Success"})";
};

Result<std::unique_ptr<HttpTransport>> transportTo(const std::string& server, std::chrono::seconds timeout) {
  ClusterConfig cfg;
  cfg.server = server;
  return HttpTransport::create(cfg, timeout);
}

HttpCall get(const std::string& target) { return HttpCall{"GET", target, {{"Accept", "application/json"}}, nullptr}; }

TEST(HttpTransportTest, APooledConnectionTheServerClosedIsReplacedAndTheRequestStillAnswered) {
  OneShotServer server;
  auto t = transportTo(server.url(), std::chrono::seconds(5));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  for (int i = 0; i < 3; ++i) {
    auto a = (*t)->roundTrip(get("/api/v1/namespaces/default/configmaps/x"));
    ASSERT_TRUE(a.isOk()) << "request " << i << ": " << a.status().toString();
    EXPECT_EQ(a->status, 200);
    EXPECT_NE(a->body.find("Success"), std::string::npos);
  }
  EXPECT_EQ(server.connections(), 3);  // one per request: each closed one was replaced
}

TEST(HttpTransportTest, AWrittenPostOnAClosedPooledConnectionIsNotSentAgain) {
  OneShotServer server;
  auto t = transportTo(server.url(), std::chrono::seconds(5));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  ASSERT_TRUE((*t)->roundTrip(get("/api/v1/namespaces/default/configmaps/x")).isOk());
  const std::string body = R"({"metadata":{"name":"y"}})";
  HttpCall post{"POST", "/api/v1/namespaces/default/configmaps", {{"Content-Type", "application/json"}}, &body};
  // The server may have taken it before closing: a create is not repeated behind the
  // caller's back.
  auto lost = (*t)->roundTrip(post);
  EXPECT_EQ(lost.status().code(), Code::kUnavailable) << lost.status().toString();
  EXPECT_EQ(server.connections(), 1);
  auto again = (*t)->roundTrip(post);  // the caller's own retry, on a new connection
  EXPECT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpTransportTest, AServerThatNeverAnswersIsADeadline) {
  OneShotServer server(/*silent=*/true);
  auto t = transportTo(server.url(), std::chrono::seconds(1));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  auto a = (*t)->roundTrip(get("/api/v1/pods"));
  EXPECT_EQ(a.status().code(), Code::kDeadlineExceeded) << a.status().toString();
  EXPECT_NE(a.status().message().find("timed out"), std::string::npos) << a.status().toString();
}

TEST(HttpTransportTest, ABadServerUrlIsRefusedNamingIt) {
  for (const char* url : {"ftp://a.example", "https://", "http://host:port", "http://[::1", "127.0.0.1:6443"}) {
    auto t = transportTo(url, std::chrono::seconds(1));
    EXPECT_EQ(t.status().code(), Code::kInvalidArgument) << url;
    EXPECT_NE(t.status().message().find(url), std::string::npos) << t.status().toString();
  }
}

TEST(HttpTransportTest, TheServerUrlsPathPrefixesEveryRequest) {
  OneShotServer server;
  auto t = transportTo(server.url() + "/prefix/", std::chrono::seconds(5));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  auto a = (*t)->roundTrip(get("/version?x=1"));
  ASSERT_TRUE(a.isOk()) << a.status().toString();
  EXPECT_EQ(server.requestLine(), "GET /prefix/version?x=1 HTTP/1.1");
}

class TlsServerNameTest : public testing::EmulatorTest {
protected:
  void SetUp() override {
    emulator::EmulatorOptions o;
    o.tls = true;
    startEmulator(o);
  }
  Result<Json> listWithServerName(const std::string& name) {
    auto cfg = parseKubeconfig(emulator_->kubeconfig(""), "", "");
    if (!cfg.isOk()) return cfg.status();
    cfg->tls_server_name = name;
    RestClientOptions opts;
    opts.request_timeout = std::chrono::seconds(5);
    auto c = RestClient::create(*cfg, opts);
    if (!c.isOk()) return c.status();
    return (*c)->getPath("/api/v1/namespaces/default/configmaps");
  }
};

TEST_F(TlsServerNameTest, TheCertificateIsCheckedForTheConfiguredNameInsteadOfTheAddress) {
  // The emulator's certificate names localhost and 127.0.0.1, not elsewhere.example.
  auto named = listWithServerName("localhost");
  EXPECT_TRUE(named.isOk()) << named.status().toString();
  auto other = listWithServerName("elsewhere.example");
  EXPECT_EQ(other.status().code(), Code::kUnavailable) << other.status().toString();
}

}  // namespace
}  // namespace paymesh::kube
