#pragma once
// The Kubernetes API emulator as one object for tests and for the kube-emulator binary:
// an ApiServer behind an HttpServer on loopback, optionally over TLS with a generated CA.

#include <memory>
#include <string>

#include "emulator/api_server.h"
#include "emulator/http_server.h"
#include "emulator/tls_certs.h"

namespace paymesh::emulator {

struct EmulatorOptions {
  Options api;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  bool call_webhooks = true;  // use the built-in HTTPS webhook caller unless api.webhook_caller is set
};

class Emulator {
public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();

  // Returns an error message or "".
  std::string start();
  void stop();

  std::string url() const;  // http(s)://127.0.0.1:<port>
  uint16_t port() const { return server_ ? server_->port() : 0; }
  ApiServer& api() { return *api_; }
  // The CA that signed the serving certificate (TLS mode), for clients to trust, and
  // the key pair to issue client certificates with.
  const KeyPair& ca() const { return ca_; }
  // A kubeconfig pointing at this emulator (token or client certificate optional).
  std::string kubeconfig(const std::string& token = "", const KeyPair* client = nullptr) const;

private:
  EmulatorOptions options_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<HttpServer> server_;
  KeyPair ca_;
};

// The default webhook caller: HTTPS POST with the caBundle as the only trust anchor.
WebhookResult callWebhook(const std::string& url, const std::string& ca_bundle_pem, std::chrono::seconds timeout,
                          const nlohmann::json& review, const std::string& server_name = "");

}  // namespace paymesh::emulator
