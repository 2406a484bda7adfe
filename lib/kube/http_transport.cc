#include "kube/http_transport.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <mutex>
#include <optional>

namespace paymesh::kube {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct ServerUrl {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string base_path;  // "" or "/prefix" without a trailing slash
};

std::optional<ServerUrl> parseServerUrl(const std::string& url) {
  ServerUrl u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.base_path = rest.substr(slash);
  while (!u.base_path.empty() && u.base_path.back() == '/') u.base_path.pop_back();
  size_t colon = std::string::npos;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
  }
  u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : authority.substr(colon + 1);
  if (u.host.empty() || u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return u;
}

bool isIpAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// A connection owns the io_context its operations run on; the thread using it runs the
// context until the operation completes, so every step stays on that thread.
struct Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Calls f with the stream the connection speaks over, TLS or plain.
  template <typename F>
  auto withStream(F f) {
    return secure ? f(*secure) : f(*plain);
  }

  // Starts one asynchronous step and runs it to completion on this thread.
  template <typename Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    ioc.restart();
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.run();
    return result;
  }
};

bool staleConnection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put || v == http::verb::delete_ ||
         v == http::verb::options;
}

}  // namespace

struct HttpTransport::Impl {
  ServerUrl url;
  std::string verify_name;  // the name the server's certificate must carry
  std::chrono::seconds timeout{30};
  std::optional<ssl::context> tls;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;

  std::unique_ptr<Connection> take() {
    std::lock_guard lock(mu);
    if (idle.empty()) return nullptr;
    auto c = std::move(idle.back());
    idle.pop_back();
    return c;
  }

  void giveBack(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mu);
    idle.push_back(std::move(c));
  }

  Result<std::unique_ptr<Connection>> connect() {
    auto c = std::make_unique<Connection>();
    tcp::resolver resolver(c->ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return failure("resolve " + url.host, ec);
    if (tls) {
      c->secure.emplace(c->ioc, *tls);
      SSL* native = c->secure->native_handle();
      // SNI carries names only, never an address (RFC 6066 section 3).
      // (SSL_set_tlsext_host_name spelled out: the macro's cast trips -Wold-style-cast.)
      if (!isIpAddress(verify_name))
        SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(verify_name.c_str()));
      c->secure->set_verify_callback(ssl::host_name_verification(verify_name));
    } else {
      c->plain.emplace(c->ioc);
    }
    c->lowest().expires_after(timeout);
    ec = c->run([&](auto done) { c->lowest().async_connect(endpoints, done); });
    if (ec) return failure("connect to " + url.host + ":" + url.port, ec);
    // A request is written whole and then waited on: never hold its last segment back.
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (tls) {
      ec = c->run([&](auto done) { c->secure->async_handshake(ssl::stream_base::client, done); });
      if (ec) return failure("TLS handshake with " + url.host + ":" + url.port, ec);
    }
    return c;
  }

  Status failure(const std::string& step, const beast::error_code& ec) const {
    if (ec == beast::error::timeout) return Status(Code::kDeadlineExceeded, step + ": timed out");
    return Status(Code::kUnavailable, step + ": " + ec.message());
  }

  // Writes the request and reads the answer's head; `written` says whether the write went out.
  static beast::error_code sendAndReadHead(Connection& c, const http::request<http::string_body>& req,
                                           http::response_parser<http::string_body>& parser, bool& written) {
    return c.withStream([&](auto& stream) {
      beast::error_code ec = c.run([&](auto done) { http::async_write(stream, req, done); });
      if (ec) return ec;
      written = true;
      return c.run([&](auto done) { http::async_read_header(stream, c.buffer, parser, done); });
    });
  }

  static beast::error_code readBody(Connection& c, http::response_parser<http::string_body>& parser) {
    return c.withStream(
        [&](auto& stream) { return c.run([&](auto done) { http::async_read(stream, c.buffer, parser, done); }); });
  }

  http::request<http::string_body> requestFor(const HttpCall& call) const {
    http::request<http::string_body> req(http::string_to_verb(call.method), url.base_path + call.target, 11);
    bool v6 = url.host.find(':') != std::string::npos;
    req.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
    for (const auto& [name, value] : call.headers) req.set(name, value);
    if (call.body) req.body() = *call.body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  static HttpAnswer answerOf(http::response_parser<http::string_body>& parser) {
    auto& res = parser.get();
    HttpAnswer out;
    out.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::retry_after); it != res.end()) out.retry_after = std::string(it->value());
    out.body = std::move(res.body());
    return out;
  }

  Result<HttpAnswer> roundTrip(const HttpCall& call) {
    const auto req = requestFor(call);
    // A pooled connection the server has since closed fails before any answer. The request
    // goes once more on a new connection when it cannot have been taken (its write
    // failed) or taking it twice changes nothing (GET, PUT, DELETE: RFC 9110 section
    // 9.2.2); a POST or PATCH that was written is not sent again.
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> c = attempt == 0 ? take() : nullptr;
      bool reused = c != nullptr;
      if (!c) {
        ASSIGN_OR_RETURN(c, connect());
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      bool written = false, answer_started = false;
      c->buffer.clear();
      c->lowest().expires_after(timeout);
      beast::error_code ec = sendAndReadHead(*c, req, parser, written);
      if (!ec) {
        answer_started = true;
        ec = readBody(*c, parser);
      }
      if (ec) {
        bool replayable = !written || idempotent(req.method());
        if (reused && !answer_started && staleConnection(ec) && replayable) continue;
        return failure(answer_started ? "reading the answer" : "sending the request", ec);
      }
      bool keep = parser.get().keep_alive();
      HttpAnswer out = answerOf(parser);
      if (keep) giveBack(std::move(c));
      return out;
    }
  }

  static beast::error_code readStream(Connection& c, http::response_parser<http::string_body>& parser,
                                      std::chrono::seconds idle_timeout,
                                      const std::function<bool(std::string_view)>& on_data,
                                      const std::stop_token& stop) {
    bool declined = false;
    // The parser keeps a reference to the callback: it lives for the whole read.
    auto on_chunk = [&](std::uint64_t, beast::string_view data, beast::error_code& ec) -> std::size_t {
      if (!data.empty() && !on_data(std::string_view(data.data(), data.size()))) {
        declined = true;
        ec = asio::error::operation_aborted;
      }
      return data.size();
    };
    parser.on_chunk_body(on_chunk);
    while (!parser.is_done()) {
      if (stop.stop_requested()) return {};
      c.lowest().expires_after(idle_timeout);
      beast::error_code ec = c.withStream([&](auto& stream) {
        return c.run([&](auto done) { http::async_read_some(stream, c.buffer, parser, done); });
      });
      if (declined || stop.stop_requested()) return {};
      if (ec) return ec;
    }
    return {};
  }

  Result<HttpAnswer> stream(const HttpCall& call, std::chrono::seconds idle_timeout,
                            const std::function<bool(std::string_view)>& on_data, std::stop_token stop) {
    const auto req = requestFor(call);
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, connect());
    Connection* conn = c.get();
    // Declared after the connection, so it is gone before the connection is: a stop from
    // another thread cancels the wait the reading thread is in.
    std::stop_callback on_stop(stop, [conn] { asio::post(conn->ioc, [conn] { conn->lowest().cancel(); }); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    c->lowest().expires_after(timeout);
    bool written = false;
    beast::error_code ec = sendAndReadHead(*c, req, parser, written);
    if (stop.stop_requested()) return HttpAnswer{};
    if (ec) return failure(written ? "waiting for the answer" : "sending the request", ec);
    bool streaming = parser.get().result_int() == 200 && parser.chunked();
    if (streaming) {
      ec = readStream(*c, parser, idle_timeout, on_data, stop);
    } else {
      c->lowest().expires_after(timeout);
      ec = readBody(*c, parser);
    }
    if (stop.stop_requested()) return HttpAnswer{};
    if (ec) return failure("reading the answer", ec);
    HttpAnswer out = answerOf(parser);
    if (!streaming && out.status == 200) {
      // A 200 sent whole rather than chunked: its body is the stream.
      if (!out.body.empty()) on_data(out.body);
      out.body.clear();
    }
    return out;
  }
};

HttpTransport::HttpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpTransport::~HttpTransport() = default;

Result<std::unique_ptr<HttpTransport>> HttpTransport::create(const ClusterConfig& config,
                                                             std::chrono::seconds timeout) {
  auto url = parseServerUrl(config.server);
  if (!url) return invalidArgument("kube client: bad server URL \"" + config.server + "\": want http(s)://host[:port]");
  auto impl = std::make_unique<Impl>();
  impl->url = *url;
  impl->timeout = timeout;
  impl->verify_name = config.tls_server_name.empty() ? url->host : config.tls_server_name;
  if (url->tls) {
    beast::error_code ec;
    impl->tls.emplace(ssl::context::tls_client);
    ssl::context& ctx = *impl->tls;
    ctx.set_verify_mode(ssl::verify_peer);
    if (!config.ca_pem.empty()) {
      // The configured CA replaces the system store, as kubeconfig intends.
      SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
      ctx.add_certificate_authority(asio::buffer(config.ca_pem), ec);
      if (ec) return invalidArgument("kube client: the cluster's CA certificate is unusable: " + ec.message());
    } else {
      ctx.set_default_verify_paths(ec);
      if (ec) return invalidArgument("kube client: the system's CA certificates are unusable: " + ec.message());
    }
    if (!config.client_cert_pem.empty()) {
      ctx.use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
      if (!ec) ctx.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec);
      if (ec) return invalidArgument("kube client: the client certificate or key is unusable: " + ec.message());
    }
  }
  return std::unique_ptr<HttpTransport>(new HttpTransport(std::move(impl)));
}

Result<HttpAnswer> HttpTransport::roundTrip(const HttpCall& call) { return impl_->roundTrip(call); }

Result<HttpAnswer> HttpTransport::stream(const HttpCall& call, std::chrono::seconds idle_timeout,
                                         const std::function<bool(std::string_view)>& on_data, std::stop_token stop) {
  return impl_->stream(call, idle_timeout, on_data, std::move(stop));
}

}  // namespace paymesh::kube
