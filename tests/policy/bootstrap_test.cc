#include "policy/bootstrap.h"

#include <gtest/gtest.h>

#include <functional>
#include <utility>
#include <vector>

#include "policy/names.h"
#include "render_fixture.h"

namespace paymesh::policy {
namespace {

// Envoy reads the bootstrap once, at start: nothing that changes over a pod's life may be
// in it. Endpoints, the service's and its dependencies' policies, its callers, a new
// dependency: each changes other files, never envoy.yaml.
TEST(BootstrapTest, NothingThatChangesOverAPodsLifeIsInTheBootstrap) {
  auto in = testing::exampleInputs();
  const auto& space = in.namespaces.at("payments");
  const std::string before = testing::render(space, "payment").files.at(kBootstrapFile);

  std::vector<std::pair<std::string, std::function<void(Namespace&)>>> changes = {
      {"endpoints", [](Namespace& s) { s.endpoints.at("settlement").pop_back(); }},
      {"no endpoints at all", [](Namespace& s) { s.endpoints.clear(); }},
      {"a dependency's breaker",
       [](Namespace& s) { s.services.at("settlement").spec.resilience.circuit_breaker.max_requests = 7; }},
      {"a dependency's TLS mode",
       [](Namespace& s) { s.services.at("clearing").spec.tls.mode = model::TlsMode::kDisable; }},
      {"own retries", [](Namespace& s) { s.services.at("payment").spec.resilience.retry.attempts = 0; }},
      {"own TLS mode", [](Namespace& s) { s.services.at("payment").spec.tls.mode = model::TlsMode::kPermissive; }},
      {"own callers", [](Namespace& s) { s.services.at("payment").spec.allowed_callers = {"clearing"}; }},
      {"a new dependency",
       [](Namespace& s) {
         s.services.at("payment").spec.dependencies.push_back({"ledger", {}});
       }},
      {"a fallback", [](Namespace& s) { s.services.at("clearing").spec.resilience.fallback_service = "ledger"; }},
  };
  for (const auto& [what, change] : changes) {
    Namespace changed = space;
    change(changed);
    auto cfg = testing::render(changed, "payment");
    EXPECT_EQ(cfg.files.at(kBootstrapFile), before) << what;
  }
}

}  // namespace
}  // namespace paymesh::policy
