#include "obs/webhook_metrics.h"

namespace paymesh::obs {

WebhookMetrics::WebhookMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& requests = prometheus::BuildCounter()
                       .Name("paymesh_webhook_requests_total")
                       .Help("Admission reviews answered, by result.")
                       .Register(*registry_);
  const char* results[] = {"injected", "skipped", "refused", "invalid", "error"};
  for (int i = 0; i < 5; ++i) requests_[i] = &requests.Add({{"result", results[i]}});
  duration_ = &prometheus::BuildHistogram()
                   .Name("paymesh_injection_duration_seconds")
                   .Help("Time to decide, inject and compute the patch of one review.")
                   .Register(*registry_)
                   .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                                    0.025, 0.1});
  cache_age_ = &prometheus::BuildGauge()
                    .Name("paymesh_webhook_cache_age_seconds")
                    .Help("Seconds since the PaymentService cache last heard from the API server.")
                    .Register(*registry_)
                    .Add({});
  cached_ = &prometheus::BuildGauge()
                 .Name("paymesh_webhook_cached_services")
                 .Help("PaymentServices in the webhook's cache.")
                 .Register(*registry_)
                 .Add({});
  auto& reloads = prometheus::BuildCounter()
                      .Name("paymesh_webhook_certificate_reloads_total")
                      .Help("Serving certificate reloads after its files changed, by result.")
                      .Register(*registry_);
  reloads_[0] = &reloads.Add({{"result", "ok"}});
  reloads_[1] = &reloads.Add({{"result", "error"}});
}

}  // namespace paymesh::obs
