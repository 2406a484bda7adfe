// Fuzzes what a watched Pod goes through in the operator: typing and trimming into the
// informer cache (Store with trimPod, kept as MessagePack), then the endpoint readers.
// Nothing may throw or crash; what is cached must read back as stored, and trimming a
// trimmed Pod must change nothing.

#include "fuzz/fuzz_util.h"
#include "kube/store.h"
#include "model/endpoints.h"

namespace {

using paymesh::kube::Json;

const paymesh::model::PaymentService& settlement() {
  static const paymesh::model::PaymentService s = [] {
    Json svc = {{"apiVersion", "paymesh.io/v1alpha1"},
                {"kind", "PaymentService"},
                {"metadata", {{"name", "settlement"}, {"namespace", "payments"}}},
                {"spec",
                 {{"selector", {{"matchLabels", {{"app", "settlement"}}}}},
                  {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}}}}};
    auto parsed = paymesh::model::parsePaymentService(svc);
    if (!parsed.object) __builtin_trap();
    return *parsed.object;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  Json pod = paymesh::fuzz::parseJson(data, size);
  if (pod.is_discarded()) return 0;
  paymesh::kube::Store store(paymesh::kube::trimPod);
  auto [old, now] = store.upsert(pod);
  if (!now) return 0;
  auto back = store.get(paymesh::kube::Store::keyOf(*now));
  if (!back || Json::to_msgpack(*back) != Json::to_msgpack(*now)) __builtin_trap();
  Json again = *now;
  paymesh::kube::trimPod(again);
  if (again != *now) __builtin_trap();
  (void)paymesh::model::endpointFromPod(*now);
  auto found = paymesh::model::endpointsFromPods(settlement(), {now.get()});
  (void)paymesh::model::readyEndpoints(found.endpoints);
  (void)store.byLabel("app", "settlement");
  return 0;
}
