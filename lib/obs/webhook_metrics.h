#pragma once
// The webhook's metrics, declared in one place (prometheus-cpp). Label values come from
// fixed sets only; every series exists from the start at 0.
//
//   paymesh_webhook_requests_total{result}   injected | skipped | refused | invalid | error
//   paymesh_injection_duration_seconds       decision + injection + patch of one review
//   paymesh_webhook_cache_age_seconds        since the PaymentService cache last heard from
//                                            the API server (a list, a watch, an event)
//   paymesh_webhook_cached_services          PaymentServices in the cache
//   paymesh_webhook_certificate_reloads_total{result}  ok | error

#include <memory>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace paymesh::obs {

enum class WebhookResult { kInjected, kSkipped, kRefused, kInvalid, kError };

class WebhookMetrics {
public:
  WebhookMetrics();
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void request(WebhookResult result) { requests_[static_cast<int>(result)]->Increment(); }
  void injectionSeconds(double s) { duration_->Observe(s); }
  void setCacheAge(double seconds) { cache_age_->Set(seconds); }
  void setCachedServices(double n) { cached_->Set(n); }
  void certificateReload(bool ok) { reloads_[ok ? 0 : 1]->Increment(); }

  double requestCount(WebhookResult result) const { return requests_[static_cast<int>(result)]->Value(); }

private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* requests_[5];
  prometheus::Histogram* duration_;
  prometheus::Gauge* cache_age_;
  prometheus::Gauge* cached_;
  prometheus::Counter* reloads_[2];
};

}  // namespace paymesh::obs
