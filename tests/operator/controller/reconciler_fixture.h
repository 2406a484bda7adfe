#pragma once
// What the operator's reconcilers run on, assembled by hand for unit tests: informer
// stores filled by the test, a mesh state with a CA, and a strict scripted client that
// answers the calls a test expects and fails it on any other.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "kube/store.h"
#include "operator/controller/child_writer.h"
#include "operator/controller/event_recorder.h"
#include "operator/controller/fleet_gauges.h"
#include "operator/controller/mesh_ca.h"
#include "operator/controller/mesh_state.h"
#include "operator/controller/pass_clock.h"
#include "operator/controller/service_cache.h"
#include "operator/desired/children.h"
#include "support/scripted_client.h"

namespace paymesh::ctrl::testing {

using namespace std::chrono_literals;
using paymesh::testing::ScriptedClient;
namespace res = kube::resources;

inline pki::TimePoint fixedNow() { return std::chrono::system_clock::from_time_t(1780272000); }

inline const model::MeshConfig& defaultMeshConfig() {
  static const model::MeshConfig m = *model::parseMeshConfig(nlohmann::json::object()).config;
  return m;
}

class ReconcilerTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto ca = pki::CertificateAuthority::create({}, fixedNow() - 24h);
    ASSERT_TRUE(ca.isOk());
    ca_secret_ = caSecretObject(defaultMeshConfig(), *ca);
    ca_secret_["metadata"]["uid"] = "uid-ca";
    ca_secret_["metadata"]["resourceVersion"] = "1";
    auto view = readCaSecret(ca_secret_, "test CA", fixedNow());
    ASSERT_TRUE(view.isOk()) << view.status().toString();
    mesh_.set(meshStateFrom(defaultMeshConfig(), *view));
  }

  const MeshState& mesh() { return *mesh_.get(); }
  PassClock clock() const {
    return PassClock{[] { return fixedNow(); }, 1.0};
  }

  // Puts an object in a store as the informer would (trimmed as that informer trims).
  static void cache(kube::Store& store, Json object) { store.upsert(std::move(object)); }

  ScriptedClient client_;
  MeshStateHolder mesh_;
  Json ca_secret_;
  kube::Store services_{kube::dropManagedFields};
  kube::Store pods_{kube::trimPod};
  kube::Store config_maps_{trimConfigMap};
  kube::Store secrets_{kube::dropManagedFields};
  kube::Store jwks_config_maps_{kube::dropManagedFields};
  kube::Store jwks_secrets_{kube::dropManagedFields};
  ServiceCache parsed_{services_};
  ChildWriter children_{client_, nullptr};
  EventRecorder events_{client_, "paymesh-operator", [] { return fixedNow(); }, nullptr};
  FleetGauges gauges_{nullptr, [] { return fixedNow(); }};
};

}  // namespace paymesh::ctrl::testing
