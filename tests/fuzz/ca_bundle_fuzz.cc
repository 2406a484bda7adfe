// Fuzzes the caBundle patch the operator sends the sidecar injector's configuration
// (operator/desired/webhook_cert.cc caBundlePatch) on any JSON: it must not throw, and
// when there is a patch, applying it (as the API server does, RFC 6902) must succeed and
// leave every webhook's clientConfig.caBundle equal to the bundle.

#include <string>

#include "fuzz/fuzz_util.h"
#include "operator/desired/webhook_cert.h"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  json configuration = paymesh::fuzz::parseJson(data, size);
  if (configuration.is_discarded()) return 0;
  const std::string bundle = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t";
  auto patch = paymesh::ctrl::caBundlePatch(configuration, bundle);
  if (!patch) return 0;
  json patched;
  try {
    patched = configuration.patch(*patch);
  } catch (const std::exception&) {
    __builtin_trap();  // a patch the API server would refuse: the operator would retry it forever
  }
  if (paymesh::ctrl::caBundlePatch(patched, bundle)) __builtin_trap();  // one patch is enough
  return 0;
}
