#pragma once
// A blocking HTTPS/1.1 client for tests of paymesh's servers: one keep-alive connection,
// trusting only the CA given and checking the server name, as kube-apiserver does when it
// calls a webhook.

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <string>

namespace paymesh::testing {

struct HttpsResult {
  int status = 0;  // 0 when the exchange failed (see error)
  std::string content_type;
  std::string body;
  std::string error;
};

class HttpsClient {
public:
  HttpsClient(uint16_t port, const std::string& ca_pem, std::string server_name = "localhost")
      : port_(port), server_name_(std::move(server_name)), ctx_(boost::asio::ssl::context::tls_client) {
    ctx_.add_certificate_authority(boost::asio::buffer(ca_pem));
    ctx_.set_verify_mode(boost::asio::ssl::verify_peer);
  }

  // Sends one request on the open connection (opened first when needed).
  HttpsResult request(const std::string& method, const std::string& target, const std::string& content_type,
                      const std::string& body, bool keep_alive = true) {
    namespace bhttp = boost::beast::http;
    HttpsResult out;
    try {
      if (!stream_) connect();
      bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
      req.set(bhttp::field::host, server_name_);
      if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
      req.body() = body;
      req.keep_alive(keep_alive);
      req.prepare_payload();
      bhttp::write(*stream_, req);
      boost::beast::flat_buffer buf;
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      bhttp::read(*stream_, buf, parser);
      auto& res = parser.get();
      out.status = res.result_int();
      out.content_type = std::string(res[bhttp::field::content_type]);
      out.body = res.body();
      if (!res.keep_alive() || !keep_alive) stream_.reset();
    } catch (const std::exception& e) {
      out.error = e.what();
      stream_.reset();
    }
    return out;
  }

  // Writes raw bytes on a fresh connection and returns what the server answers until it closes.
  std::string raw(const std::string& bytes) {
    stream_.reset();
    connect();
    boost::asio::write(*stream_, boost::asio::buffer(bytes));
    std::string got;
    boost::beast::error_code ec;
    char buf[4096];
    while (true) {
      size_t n = stream_->read_some(boost::asio::buffer(buf), ec);
      if (n > 0) got.append(buf, n);
      if (ec) break;
    }
    stream_.reset();
    return got;
  }

  // The PEM of the certificate the server presented on the current connection.
  std::string peerCertificatePem() {
    if (!stream_) connect();
    X509* cert = SSL_get1_peer_certificate(stream_->native_handle());
    if (!cert) return "";
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(n));
    BIO_free(bio);
    X509_free(cert);
    return pem;
  }

  bool connected() const { return stream_ != nullptr; }
  void disconnect() { stream_.reset(); }

private:
  void connect() {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    stream_ = std::make_unique<boost::beast::ssl_stream<boost::beast::tcp_stream>>(ioc_, ctx_);
    // SSL_set_tlsext_host_name is a macro with an old-style cast.
    SSL_ctrl(stream_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(server_name_.c_str()));
    SSL_set1_host(stream_->native_handle(), server_name_.c_str());
    boost::beast::get_lowest_layer(*stream_).connect(resolver.resolve("127.0.0.1", std::to_string(port_)));
    boost::beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(10));
    stream_->handshake(boost::asio::ssl::stream_base::client);
  }

  uint16_t port_;
  std::string server_name_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> stream_;
};

}  // namespace paymesh::testing
