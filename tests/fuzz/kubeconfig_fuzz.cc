// Fuzzes kubeconfig reading (lib/kube/kubeconfig.cc): YAML, contexts, clusters, users,
// inline and file credentials. Files it names are looked up under a directory that does
// not exist, so no input reads the machine's files.

#include <string>

#include "fuzz/fuzz_util.h"
#include "kube/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string nowhere = "/nonexistent-paymesh-fuzz";
  for (const char* context : {"", "payments", "emulator"}) {
    auto cfg = paymesh::kube::parseKubeconfig(text, context, nowhere);
    if (cfg.isOk() && cfg->server.empty()) __builtin_trap();  // a config always names its server
  }
  return 0;
}
