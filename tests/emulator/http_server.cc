#include "emulator/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <set>

namespace paymesh::emulator {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::string percentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

HttpRequest toRequest(const http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  std::string target(req.target());
  size_t q = target.find('?');
  r.path = percentDecode(target.substr(0, q));
  if (q != std::string::npos) {
    std::string qs = target.substr(q + 1);
    size_t start = 0;
    while (start <= qs.size()) {
      size_t amp = qs.find('&', start);
      std::string kv = qs.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!kv.empty()) {
        size_t eq = kv.find('=');
        r.query[percentDecode(kv.substr(0, eq))] = eq == std::string::npos ? "" : percentDecode(kv.substr(eq + 1));
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  r.body = req.body();
  return r;
}

}  // namespace

struct HttpServer::Impl {
  RequestHandler& api;
  std::optional<ServerTls> tls;
  std::unique_ptr<ssl::context> ssl_ctx;
  net::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread accept_thread;
  std::mutex mu;
  struct Conn {
    std::thread thread;
    std::atomic<bool> done{false};
    int fd = -1;
  };
  std::list<std::unique_ptr<Conn>> conns;
  std::atomic<bool> stopping{false};

  Impl(RequestHandler& a, std::optional<ServerTls> t) : api(a), tls(std::move(t)) {}

  template <class Stream>
  void serve(Stream& stream) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      boost::beast::error_code ec;
      http::read(stream, buffer, parser, ec);
      if (ec) return;
      auto& req = parser.get();
      HttpRequest r = toRequest(req);
      if (int ms = api.latencyMs(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      if (api.isWatch(r)) {
        http::response<http::empty_body> head{http::status::ok, req.version()};
        head.set(http::field::content_type, "application/json");
        head.set(http::field::cache_control, "no-cache, private");
        head.chunked(true);
        bool head_sent = false;
        auto write = [&](const std::string& line) {
          boost::beast::error_code wec;
          if (!head_sent) {
            http::response_serializer<http::empty_body> sr{head};
            http::write_header(stream, sr, wec);
            head_sent = true;
            if (wec) return false;
          }
          if (line.empty()) return true;
          net::write(stream, http::make_chunk(net::buffer(line)), wec);
          return !wec;
        };
        auto failed = api.streamWatch(r, write);
        if (!failed) {
          boost::beast::error_code wec;
          if (head_sent) net::write(stream, http::make_chunk_last(), wec);
          return;  // one watch per connection; the client reconnects
        }
        if (!respond(stream, req, *failed)) return;
        continue;
      }
      if (!respond(stream, req, api.handle(r))) return;
    }
  }

  template <class Stream>
  bool respond(Stream& stream, const http::request<http::string_body>& req, const HttpResponse& out) {
    http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
    res.set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.keep_alive(req.keep_alive());
    res.body() = out.body;
    res.prepare_payload();
    boost::beast::error_code ec;
    http::write(stream, res, ec);
    return !ec && req.keep_alive();
  }

  void handleConnection(tcp::socket socket) {
    try {
      if (ssl_ctx) {
        ssl::stream<tcp::socket> stream(std::move(socket), *ssl_ctx);
        boost::system::error_code ec;
        stream.handshake(ssl::stream_base::server, ec);
        if (ec) return;
        serve(stream);
        stream.shutdown(ec);
      } else {
        serve(socket);
        boost::system::error_code ec;
        socket.shutdown(tcp::socket::shutdown_both, ec);
      }
    } catch (const std::exception&) {
      // A connection's failure ends that connection only.
    }
  }

  void reap() {
    for (auto it = conns.begin(); it != conns.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
  }

  void acceptLoop() {
    while (!stopping) {
      boost::system::error_code ec;
      tcp::socket socket(ioc);
      acceptor->accept(socket, ec);
      if (ec) {
        if (stopping) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      reap();
      auto conn = std::make_unique<Conn>();
      conn->fd = socket.native_handle();
      Conn* raw = conn.get();
      conn->thread = std::thread([this, raw, s = std::move(socket)]() mutable {
        handleConnection(std::move(s));
        raw->done = true;
      });
      conns.push_back(std::move(conn));
    }
  }
};

HttpServer::HttpServer(RequestHandler& api, std::optional<ServerTls> tls)
    : impl_(std::make_unique<Impl>(api, std::move(tls))) {}

HttpServer::~HttpServer() { stop(); }

std::string HttpServer::start(const std::string& host, uint16_t port) {
  try {
    if (impl_->tls) {
      impl_->ssl_ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
      impl_->ssl_ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      impl_->ssl_ctx->use_certificate_chain(net::buffer(impl_->tls->cert_pem));
      impl_->ssl_ctx->use_private_key(net::buffer(impl_->tls->key_pem), ssl::context::pem);
      if (!impl_->tls->client_ca_pem.empty()) {
        impl_->ssl_ctx->add_certificate_authority(net::buffer(impl_->tls->client_ca_pem));
        impl_->ssl_ctx->set_verify_mode(ssl::verify_peer);  // optional: tokens still work without a cert
      }
    }
    tcp::endpoint ep(net::ip::make_address(host), port);
    impl_->acceptor = std::make_unique<tcp::acceptor>(impl_->ioc);
    impl_->acceptor->open(ep.protocol());
    impl_->acceptor->set_option(net::socket_base::reuse_address(true));
    impl_->acceptor->bind(ep);
    impl_->acceptor->listen();
    port_ = impl_->acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    return std::string("cannot listen on ") + host + ":" + std::to_string(port) + ": " + e.what();
  }
  impl_->accept_thread = std::thread([this] { impl_->acceptLoop(); });
  return "";
}

void HttpServer::stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  impl_->api.stop();
  if (impl_->acceptor) ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  std::list<std::unique_ptr<Impl::Conn>> conns;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (auto& c : impl_->conns) {
      if (!c->done) ::shutdown(c->fd, SHUT_RDWR);
    }
    conns.swap(impl_->conns);
  }
  for (auto& c : conns) c->thread.join();
}

}  // namespace paymesh::emulator
