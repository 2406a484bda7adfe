#include "webhook/routes.h"

#include <chrono>

#include "webhook/admission/handler.h"

namespace paymesh::webhook {
namespace {

using obs::WebhookResult;

http::Response text(int status, std::string body) { return {status, "text/plain", std::move(body) + "\n"}; }

void count(const WebhookState& s, WebhookResult r) {
  if (s.metrics) s.metrics->request(r);
}

WebhookResult resultOf(inject::Verdict v) {
  switch (v) {
    case inject::Verdict::kInject: return WebhookResult::kInjected;
    case inject::Verdict::kSkip: return WebhookResult::kSkipped;
    case inject::Verdict::kRefuse: return WebhookResult::kRefused;
  }
  return WebhookResult::kError;
}

// "application/json", optionally with parameters ("; charset=utf-8").
bool isJson(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media == "application/json";
}

http::Response inject(const http::Request& req, const WebhookState& s) {
  if (req.method != "POST")
    return count(s, WebhookResult::kInvalid),
           text(405, "method " + req.method + " not allowed: POST an AdmissionReview");
  if (!isJson(req.content_type)) {
    count(s, WebhookResult::kInvalid);
    return text(415, "Content-Type \"" + req.content_type.substr(0, 64) + "\" is not application/json");
  }
  auto start = std::chrono::steady_clock::now();
  auto parsed = parseReview(req.body);
  if (auto* error = std::get_if<ReviewError>(&parsed)) {
    count(s, WebhookResult::kInvalid);
    if (error->http_status == 400) return text(400, error->message);
    return {200, "application/json", encodeReview(errorResponse(*error))};
  }
  const auto& request = std::get<AdmissionRequest>(parsed);
  auto mesh = s.mesh();
  auto services = s.cache->inNamespace(request.ns);
  HandledAdmission handled = handleAdmission(request, {services.get(), mesh.get()});
  std::string body = encodeReview(handled.response);
  count(s, resultOf(handled.verdict));
  if (s.metrics)
    s.metrics->injectionSeconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return {200, "application/json", std::move(body)};
}

}  // namespace

http::Response route(const http::Request& req, const WebhookState& s) {
  std::string path = req.target.substr(0, req.target.find('?'));
  try {
    if (path == "/inject") return inject(req, s);
    if (path == "/healthz") return text(200, "ok");
    if (path == "/readyz") return s.ready() ? text(200, "ok") : text(503, "PaymentService cache not synced yet");
    return text(404, "no such endpoint: " + path.substr(0, 128) + " (POST /inject, GET /healthz, GET /readyz)");
  } catch (...) {
    count(s, WebhookResult::kError);
    throw;  // the server answers 500
  }
}

}  // namespace paymesh::webhook
