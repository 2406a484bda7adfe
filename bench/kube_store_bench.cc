// Memory and speed of the informer store with Pod-sized objects. The memory figure is the
// heap growth (mallinfo2) per cached object after inserting 10,000 Pods as the API returns
// them (managedFields included), trimmed by the store on the way in.

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <string>

#include "kube/store.h"

namespace {

using paymesh::kube::Json;

Json apiPod(int i) {
  std::string name = "settlement-7c9f8d6b5-" + std::to_string(100000 + i);
  Json managed = Json::array();
  for (const char* mgr : {"kube-controller-manager", "kubelet"}) {
    managed.push_back({{"manager", mgr}, {"operation", "Update"}, {"apiVersion", "v1"},
                       {"time", "2026-11-27T10:00:00Z"}, {"fieldsType", "FieldsV1"},
                       {"fieldsV1", {{"f:metadata", {{"f:labels", {{".", Json::object()}, {"f:app", Json::object()}}}}},
                                     {"f:spec", {{"f:containers", {{"k:{\"name\":\"app\"}", {{".", Json::object()}}}}}}},
                                     {"f:status", {{"f:conditions", Json::object()}, {"f:podIP", Json::object()}}}}}});
  }
  Json container = {{"name", "app"},
                    {"image", "registry.example/payments/settlement:1.42.0"},
                    {"ports", {{{"name", "grpc"}, {"containerPort", 50051}, {"protocol", "TCP"}}}},
                    {"env", {{{"name", "MODE"}, {"value", "live"}}, {{"name", "REGION"}, {"value", "eu-west-1"}}}},
                    {"resources", {{"requests", {{"cpu", "500m"}, {"memory", "512Mi"}}}, {"limits", {{"memory", "1Gi"}}}}},
                    {"volumeMounts", {{{"name", "kube-api-access-x7k2p"}, {"mountPath", "/var/run/secrets/kubernetes.io/serviceaccount"}, {"readOnly", true}}}},
                    {"terminationMessagePath", "/dev/termination-log"},
                    {"terminationMessagePolicy", "File"},
                    {"imagePullPolicy", "IfNotPresent"}};
  Json conditions = Json::array();
  for (const char* t : {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    conditions.push_back({{"type", t}, {"status", "True"}, {"lastProbeTime", nullptr},
                          {"lastTransitionTime", "2026-11-27T10:00:03Z"}});
  }
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"generateName", "settlement-7c9f8d6b5-"},
            {"namespace", "payments"},
            {"uid", "3f0c8a52-9d7e-4a51-8c1b-" + std::to_string(100000000000 + i)},
            {"resourceVersion", std::to_string(1000000 + i)},
            {"creationTimestamp", "2026-11-27T10:00:00Z"},
            {"labels", {{"app", "settlement"}, {"pod-template-hash", "7c9f8d6b5"}, {"paymesh.io/mesh", "true"}}},
            {"annotations", {{"paymesh.io/weight", "100"}, {"paymesh.io/injected", "true"}}},
            {"ownerReferences", {{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "settlement-7c9f8d6b5"},
                                  {"uid", "9b1e4c1a-2f7d-4a8e-9c3b-5d6e7f8a9b0c"}, {"controller", true},
                                  {"blockOwnerDeletion", true}}}},
            {"managedFields", managed}}},
          {"spec",
           {{"containers", {container}},
            {"volumes", {{{"name", "kube-api-access-x7k2p"}, {"projected", {{"defaultMode", 420}, {"sources", {{{"serviceAccountToken", {{"expirationSeconds", 3607}, {"path", "token"}}}}}}}}}}},
            {"restartPolicy", "Always"},
            {"terminationGracePeriodSeconds", 30},
            {"dnsPolicy", "ClusterFirst"},
            {"serviceAccountName", "settlement"},
            {"serviceAccount", "settlement"},
            {"nodeName", "worker-3"},
            {"securityContext", Json::object()},
            {"schedulerName", "default-scheduler"},
            {"tolerations", {{{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"}, {"effect", "NoExecute"}, {"tolerationSeconds", 300}}}},
            {"priority", 0},
            {"enableServiceLinks", true},
            {"preemptionPolicy", "PreemptLowerPriority"}}},
          {"status",
           {{"phase", "Running"},
            {"conditions", conditions},
            {"hostIP", "10.0.3.17"},
            {"podIP", "10.244.3.21"},
            {"podIPs", {{{"ip", "10.244.3.21"}}}},
            {"startTime", "2026-11-27T10:00:00Z"},
            {"qosClass", "Burstable"},
            {"containerStatuses", {{{"name", "app"}, {"ready", true}, {"restartCount", 0}, {"image", "registry.example/payments/settlement:1.42.0"},
                                    {"imageID", "registry.example/payments/settlement@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
                                    {"containerID", "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
                                    {"started", true}, {"state", {{"running", {{"startedAt", "2026-11-27T10:00:02Z"}}}}}}}}}}};
}

void storeMemory(benchmark::State& state, paymesh::kube::Trimmer trim) {
  constexpr int kObjects = 10000;
  double per_object = 0;
  for (auto _ : state) {
    malloc_trim(0);
    size_t before = mallinfo2().uordblks;
    paymesh::kube::Store store(trim);
    // Each Pod is built, handed over and trimmed; only what the store keeps stays allocated.
    for (int i = 0; i < kObjects; ++i) store.upsert(apiPod(i));
    per_object = static_cast<double>(mallinfo2().uordblks - before) / kObjects;
    benchmark::DoNotOptimize(store.size());
  }
  state.counters["bytes_per_object"] = per_object;
  state.counters["api_json_bytes"] = static_cast<double>(apiPod(0).dump().size());
}

void BM_StoreMemoryTrimPod(benchmark::State& state) { storeMemory(state, paymesh::kube::trimPod); }
void BM_StoreMemoryDropManagedFields(benchmark::State& state) { storeMemory(state, paymesh::kube::dropManagedFields); }
BENCHMARK(BM_StoreMemoryTrimPod)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StoreMemoryDropManagedFields)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_StoreUpsertTrimPod(benchmark::State& state) {
  paymesh::kube::Store store(paymesh::kube::trimPod);
  Json pod = apiPod(1);
  for (auto _ : state) store.upsert(pod);
}
BENCHMARK(BM_StoreUpsertTrimPod);

// Reads decode the packed object.
void BM_StoreGetTrimPod(benchmark::State& state) {
  paymesh::kube::Store store(paymesh::kube::trimPod);
  for (int i = 0; i < 1000; ++i) store.upsert(apiPod(i));
  std::string name = apiPod(500)["metadata"]["name"];
  for (auto _ : state) benchmark::DoNotOptimize(store.get("payments", name));
}
BENCHMARK(BM_StoreGetTrimPod);

}  // namespace

BENCHMARK_MAIN();
