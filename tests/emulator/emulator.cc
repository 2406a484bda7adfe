#include "emulator/emulator.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cpprest/http_client.h>
#include <boost/asio/ssl.hpp>

#include "base/base64.h"

namespace paymesh::emulator {

WebhookResult callWebhook(const std::string& url, const std::string& ca_bundle_pem, std::chrono::seconds timeout,
                          const nlohmann::json& review, const std::string& server_name) {
  WebhookResult out;
  try {
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    config.set_validate_certificates(true);
    config.set_ssl_context_callback([ca_bundle_pem](boost::asio::ssl::context& ctx) {
      // Trust the caBundle only, not the system store.
      SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
      if (!ca_bundle_pem.empty()) ctx.add_certificate_authority(boost::asio::buffer(ca_bundle_pem));
    });
    web::http::client::http_client client(utility::conversions::to_string_t(url), config);
    web::http::http_request req(web::http::methods::POST);
    req.set_body(review.dump(), "application/json");
    // cpprestsdk sends SNI for, and verifies the certificate against, the Host header.
    if (!server_name.empty()) req.headers().add(U("Host"), utility::conversions::to_string_t(server_name));
    auto resp = client.request(req).get();
    std::string body = resp.extract_utf8string(true).get();
    if (resp.status_code() != 200) {
      out.error = "webhook answered HTTP " + std::to_string(resp.status_code());
      return out;
    }
    out.review = nlohmann::json::parse(body);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

Emulator::Emulator(EmulatorOptions options) : options_(std::move(options)) {}

Emulator::~Emulator() { stop(); }

std::string Emulator::start() {
  std::optional<ServerTls> tls;
  if (options_.tls) {
    TestCa ca = generateCa("paymesh-emulator-ca");
    if (!ca.error.empty()) return ca.error;
    ca_ = ca.ca;
    std::string error;
    KeyPair leaf = issueLeaf(ca_, "kube-emulator", {"localhost", "kubernetes.default.svc"}, {"127.0.0.1"}, error);
    if (!error.empty()) return error;
    tls = ServerTls{leaf.cert_pem, leaf.key_pem, ca_.cert_pem};
  }
  if (!options_.api.webhook_caller && options_.call_webhooks)
    options_.api.webhook_caller = [](const std::string& url, const std::string& ca, std::chrono::seconds timeout,
                                     const nlohmann::json& review, const std::string& server_name) {
      return callWebhook(url, ca, timeout, review, server_name);
    };
  api_ = std::make_unique<ApiServer>(options_.api);
  server_ = std::make_unique<HttpServer>(*api_, tls);
  std::string error = server_->start(options_.host, options_.port);
  if (error.empty()) api_->setServerAddress(options_.host + ":" + std::to_string(server_->port()));
  return error;
}

void Emulator::stop() {
  if (server_) server_->stop();
}

std::string Emulator::url() const {
  return std::string(options_.tls ? "https://" : "http://") + options_.host + ":" + std::to_string(port());
}

std::string Emulator::kubeconfig(const std::string& token, const KeyPair* client) const {
  std::string out =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: emulator\n  cluster:\n    server: " + url() + "\n";
  if (options_.tls) out += "    certificate-authority-data: " + base64Encode(ca_.cert_pem) + "\n";
  out += "users:\n- name: emulator\n  user:\n";
  bool any = false;
  if (!token.empty()) out += "    token: " + token + "\n", any = true;
  if (client) {
    out += "    client-certificate-data: " + base64Encode(client->cert_pem) + "\n";
    out += "    client-key-data: " + base64Encode(client->key_pem) + "\n";
    any = true;
  }
  if (!any) out += "    username: admin\n";
  out +=
      "contexts:\n- name: emulator\n  context:\n    cluster: emulator\n    user: emulator\n"
      "current-context: emulator\n";
  return out;
}

}  // namespace paymesh::emulator
