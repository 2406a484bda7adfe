// The webhook's routes over HTTPS for load tests (bench/webhook-load.sh), on either
// listener: lib/http's Boost.Beast server (what paymesh-webhook runs) or cpprestsdk's
// http_listener, so both are measured on the same handler. The PaymentService cache holds
// examples/payments; the certificate is a throwaway CA's.
//   webhook_server --listener beast|cpprest --port N --cert DIR [--threads N]

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <cpprest/http_listener.h>

#include "http/https_server.h"
#include "model/manifest.h"
#include "webhook/routes.h"

namespace {

using namespace paymesh;

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int runCpprest(uint16_t port, const std::string& cert_dir, const webhook::WebhookState& state) {
  using namespace web::http;
  experimental::listener::http_listener_config config;
  std::string cert = slurp(cert_dir + "/tls.crt"), key = slurp(cert_dir + "/tls.key");
  config.set_ssl_context_callback([cert, key](boost::asio::ssl::context& ctx) {
    ctx.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_tlsv1 |
                    boost::asio::ssl::context::no_tlsv1_1);
    ctx.use_certificate_chain(boost::asio::buffer(cert));
    ctx.use_private_key(boost::asio::buffer(key), boost::asio::ssl::context::pem);
  });
  experimental::listener::http_listener listener("https://127.0.0.1:" + std::to_string(port) + "/", config);
  listener.support([&state](http_request req) {
    http::Request in{req.method(), req.request_uri().to_string(),
                     req.headers().has("Content-Type") ? req.headers()["Content-Type"] : "",
                     req.extract_utf8string(true).get()};
    http::Response out = webhook::route(in, state);
    req.reply(static_cast<status_code>(out.status), out.body, out.content_type);
  });
  listener.open().wait();
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  listener.close().wait();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listener = "beast", cert_dir;
  uint16_t port = 9443;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--listener")
      listener = v;
    else if (a == "--port")
      port = static_cast<uint16_t>(std::stoi(v));
    else if (a == "--cert")
      cert_dir = v;
    else if (a == "--threads")
      threads = std::stoi(v);
  }
  webhook::ServiceCache cache;
  auto manifests = model::readManifests(PAYMESH_SOURCE_DIR "/examples/payments");
  for (const auto& m : manifests.value())
    if (m.kind() == "PaymentService") cache.upsert(m.doc.value);
  auto mesh = std::make_shared<const model::MeshConfig>(*model::parseMeshConfig(nlohmann::json::object()).config);
  webhook::WebhookState state;
  state.cache = &cache;
  state.mesh = [mesh] { return mesh; };
  state.ready = [] { return true; };
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  if (listener == "cpprest") return runCpprest(port, cert_dir, state);
  auto cert = http::ServingCertificate::load(cert_dir);
  if (!cert.isOk()) return std::fprintf(stderr, "%s\n", cert.status().toString().c_str()), 1;
  http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = port;
  options.threads = threads;
  auto server = http::HttpsServer::start(
      options, [&state](const http::Request& r) { return webhook::route(r, state); }, *cert);
  if (!server.isOk()) return std::fprintf(stderr, "%s\n", server.status().toString().c_str()), 1;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}
