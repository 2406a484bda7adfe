// The injection core and the webhook's route without the network: what one review costs
// on one core, for the pods bench/webhook-load.sh sends.

#include <benchmark/benchmark.h>

#include "model/manifest.h"
#include "webhook/admission/handler.h"
#include "webhook/routes.h"

namespace {

using namespace paymesh;
using nlohmann::json;

// A review of a settlement pod padded with env vars to about `bytes`.
std::string review(size_t bytes) {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata",
               {{"generateName", "settlement-7d9f8-"}, {"namespace", "payments"}, {"labels", {{"app", "settlement"}}}}},
              {"spec",
               {{"serviceAccountName", "settlement"},
                {"containers", {{{"name", "app"}, {"image", "settlement:2"}, {"env", json::array()}}}}}}};
  json rev = {{"apiVersion", "admission.k8s.io/v1"},
              {"kind", "AdmissionReview"},
              {"request",
               {{"uid", "u"},
                {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
                {"namespace", "payments"},
                {"operation", "CREATE"},
                {"object", pod}}}};
  for (int i = 0; rev.dump().size() < bytes; ++i)
    rev["request"]["object"]["spec"]["containers"][0]["env"].push_back(
        {{"name", "SETTING_" + std::to_string(i)}, {"value", "value-" + std::to_string(i)}});
  return rev.dump();
}

struct Fixture {
  webhook::ServiceCache cache;
  std::shared_ptr<const model::MeshConfig> mesh =
      std::make_shared<const model::MeshConfig>(*model::parseMeshConfig(json::object()).config);
  webhook::WebhookState state;
  Fixture() {
    auto manifests = model::readManifests(PAYMESH_SOURCE_DIR "/examples/payments");
    for (const auto& m : manifests.value())
      if (m.kind() == "PaymentService") cache.upsert(m.doc.value);
    state.cache = &cache;
    state.mesh = [this] { return mesh; };
    state.ready = [] { return true; };
  }
};

void BM_Route(benchmark::State& st) {
  static Fixture f;
  http::Request req{"POST", "/inject", "application/json", review(static_cast<size_t>(st.range(0)))};
  for (auto _ : st) {
    auto r = webhook::route(req, f.state);
    benchmark::DoNotOptimize(r);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(BM_Route)->Arg(10 * 1024)->Arg(64 * 1024);

// Parsing the review alone: whole, and as far as injection reads it (what the webhook does).
void BM_ParseReview(benchmark::State& st) {
  std::string body = review(static_cast<size_t>(st.range(0)));
  auto detail = st.range(1) ? webhook::ReviewDetail::kWhole : webhook::ReviewDetail::kInjectionFields;
  for (auto _ : st) {
    auto r = webhook::parseReview(body, detail);
    benchmark::DoNotOptimize(r);
  }
  st.SetLabel(st.range(1) ? "whole" : "injection fields");
}
BENCHMARK(BM_ParseReview)->Args({10 * 1024, 0})->Args({10 * 1024, 1})->Args({64 * 1024, 0})->Args({64 * 1024, 1});

// A pod injected before (a re-invocation): stripped and injected again on a copy, then diffed.
void BM_RouteAlreadyInjected(benchmark::State& st) {
  static Fixture f;
  json rev = json::parse(review(static_cast<size_t>(st.range(0))));
  auto services = f.cache.inNamespace("payments");
  auto parsed = webhook::parseReview(rev.dump());
  auto once = webhook::handleAdmission(std::get<webhook::AdmissionRequest>(parsed), {services.get(), f.mesh.get()});
  rev["request"]["object"] = rev["request"]["object"].patch(once.response.patch);
  http::Request req{"POST", "/inject", "application/json", rev.dump()};
  for (auto _ : st) {
    auto r = webhook::route(req, f.state);
    benchmark::DoNotOptimize(r);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(BM_RouteAlreadyInjected)->Arg(10 * 1024);

}  // namespace

BENCHMARK_MAIN();
