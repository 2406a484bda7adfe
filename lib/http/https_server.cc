#include "http/https_server.h"

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace paymesh::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

using BeastResponse = bhttp::response<bhttp::string_body>;

BeastResponse toBeast(Response r, unsigned version, bool keep_alive) {
  BeastResponse out{static_cast<bhttp::status>(r.status), version};
  out.set(bhttp::field::content_type, r.content_type);
  out.body() = std::move(r.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// A request the parser rejected (as opposed to a connection that went away).
bool isMalformed(const beast::error_code& ec) {
  static const auto& kHttpErrors = beast::error_code(bhttp::error::bad_target).category();
  return ec && ec.category() == kHttpErrors && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// One connection: handshake, then requests one after another until either side closes.
class Session : public std::enable_shared_from_this<Session> {
public:
  Session(tcp::socket socket, SslContextPtr ctx, const ServerOptions& options, const Handler& handler)
      : ctx_(std::move(ctx)), stream_(std::move(socket), *ctx_), options_(options), handler_(handler) {}

  void run() {
    beast::get_lowest_layer(stream_).expires_after(options_.handshake_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) { self->onHandshake(ec); });
  }

private:
  void onHandshake(beast::error_code ec) {
    if (!ec) readRequest(options_.idle_timeout);
  }

  void readRequest(std::chrono::seconds timeout) {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code e, size_t) { self->onRead(e); });
  }

  void onRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      Response r{413, "text/plain",
                 "request body is larger than " + std::to_string(options_.max_body_bytes) + " bytes\n"};
      draining_ = true;  // a client still sending would see a reset instead of the 413
      return write(toBeast(r, 11, false));
    }
    if (isMalformed(ec)) {
      return write(toBeast({400, "text/plain", "malformed HTTP request: " + ec.message() + "\n"}, 11, false));
    }
    if (ec) return close();
    auto& req = parser_->get();
    Request in{std::string(req.method_string()), std::string(req.target()),
               std::string(req[bhttp::field::content_type]), std::move(req.body())};
    Response out;
    try {
      out = handler_(in);
    } catch (const std::exception& e) {
      out = {500, "text/plain", std::string("internal error: ") + e.what() + "\n"};
    } catch (...) {
      out = {500, "text/plain", "internal error\n"};
    }
    write(toBeast(std::move(out), req.version(), req.keep_alive()));
  }

  void write(BeastResponse res) {
    response_ = std::move(res);
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec && self->draining_) return self->drain(0);
      if (ec || !self->response_.keep_alive()) return self->close();
      self->readRequest(self->options_.idle_timeout);
    });
  }

  // Reads and drops what the client still sends (at most twice the cap, for read_timeout),
  // then closes: the client gets to read the answer.
  void drain(size_t so_far) {
    if (so_far > 2 * options_.max_body_bytes) return close();
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this(), so_far](beast::error_code ec, size_t n) {
      if (ec) return self->close();
      self->drain(so_far + n);
    });
  }

  void close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  SslContextPtr ctx_;  // outlives the stream: a reload does not touch this connection
  beast::ssl_stream<beast::tcp_stream> stream_;
  const ServerOptions& options_;
  const Handler& handler_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  BeastResponse response_;
  bool draining_ = false;
  std::array<char, 16384> scratch_{};
};

}  // namespace

// One io_context per thread, each run by its thread alone, and every connection on one of
// them: a request is read, handled and answered on one thread, with no hand-off between
// threads (each costs a wake-up, which on a busy or virtualised machine is most of a
// small request's latency). Connections are dealt out in turn.
struct HttpsServer::Impl {
  ServerOptions options;
  Handler handler;
  std::shared_ptr<ServingCertificate> certificate;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::optional<tcp::acceptor> acceptor;  // on contexts[0]
  std::vector<std::thread> threads;
  size_t next = 0;
  bool stopped = false;

  void accept() {
    net::io_context& target = *contexts[next++ % contexts.size()];
    acceptor->async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted) return;
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        auto executor = socket.get_executor();
        auto session = std::make_shared<Session>(std::move(socket), certificate->current(), options, handler);
        net::post(executor, [session] { session->run(); });  // the connection's thread from the start
      }
      accept();
    });
  }
};

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() { stop(); }

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(const ServerOptions& options, Handler handler,
                                                        std::shared_ptr<ServingCertificate> certificate) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->certificate = std::move(certificate);
  for (int i = 0; i < std::max(1, options.threads); ++i)
    impl->contexts.push_back(std::make_unique<net::io_context>(1));  // 1: run by one thread
  impl->acceptor.emplace(*impl->contexts[0]);
  beast::error_code ec;
  auto address = net::ip::make_address(options.address, ec);
  if (ec) return invalidArgument("invalid listen address \"" + options.address + "\": " + ec.message());
  tcp::endpoint endpoint(address, options.port);
  tcp::acceptor& acceptor = *impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return unavailable("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                       ec.message());
  impl->accept();
  for (auto& context : impl->contexts) {
    net::io_context* raw = context.get();
    impl->threads.emplace_back([raw] {
      auto work = net::make_work_guard(*raw);  // idle until stop(), even with no connection yet
      raw->run();
    });
  }
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

uint16_t HttpsServer::port() const { return impl_->acceptor->local_endpoint().port(); }

void HttpsServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  net::post(*impl_->contexts[0], [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
  });
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) t.join();
}

}  // namespace paymesh::http
