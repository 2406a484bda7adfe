// The front of the emulator end to end through the project's client: a CRD served with
// defaults and validation, and clear errors for malformed requests.

#include "emulator/api_server.h"

#include <gtest/gtest.h>

#include "emulator/emulator.h"
#include "emulator/test_api.h"
#include "kube/errors.h"
#include "kube/rest_client.h"

namespace paymesh::emulator {
namespace {

using kube::resources::kCustomResourceDefinitions;
using kube::resources::kPaymentServices;
using nlohmann::json;

json crd() {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"spec",
                    {{"type", "object"},
                     {"required", {"ports"}},
                     {"properties",
                      {{"ports",
                        {{"type", "array"},
                         {"items",
                          {{"type", "object"},
                           {"required", {"port"}},
                           {"properties",
                            {{"port", {{"type", "integer"}, {"minimum", 1}}},
                             {"protocol", {{"type", "string"}, {"enum", {"GRPC", "HTTP"}}, {"default", "GRPC"}}}}}}}}},
                       {"tls",
                        {{"type", "object"},
                         {"default", json::object()},
                         {"properties", {{"mode", {{"type", "string"}, {"default", "STRICT"}}}}}}}}}}},
                   {"status", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}};
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", "paymentservices.paymesh.io"}}},
          {"spec",
           {{"group", "paymesh.io"},
            {"scope", "Namespaced"},
            {"names",
             {{"plural", "paymentservices"},
              {"singular", "paymentservice"},
              {"kind", "PaymentService"},
              {"shortNames", {"psvc"}}}},
            {"versions",
             {{{"name", "v1alpha1"},
               {"served", true},
               {"storage", true},
               {"subresources", {{"status", json::object()}}},
               {"schema", {{"openAPIV3Schema", schema}}}}}}}}};
}

json psvc(const std::string& name, json spec) {
  return {{"apiVersion", "paymesh.io/v1alpha1"},
          {"kind", "PaymentService"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", spec}};
}

class ApiServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(emulator_.start(), "");
    kube::ClusterConfig cfg;
    cfg.server = emulator_.url();
    client_ = std::move(kube::RestClient::create(cfg)).value();
  }
  Emulator emulator_;
  std::unique_ptr<kube::RestClient> client_;
};

TEST_F(ApiServerTest, CrdServesItsResourceWithDefaultsAndValidation) {
  EXPECT_TRUE(kube::isNotFound(client_->get(kPaymentServices, "default", "x").status()));
  ASSERT_TRUE(client_->create(kCustomResourceDefinitions, "", crd()).isOk());
  auto discovery = client_->getPath("/apis/paymesh.io/v1alpha1");
  ASSERT_TRUE(discovery.isOk());
  EXPECT_EQ((*discovery)["resources"][0]["shortNames"][0], "psvc");
  EXPECT_EQ((*discovery)["resources"][1]["name"], "paymentservices/status");

  auto created =
      client_->create(kPaymentServices, "default", psvc("a", {{"ports", {{{"port", 50051}}}}, {"unknownField", 1}}));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ((*created)["spec"]["ports"][0]["protocol"], "GRPC");
  EXPECT_EQ((*created)["spec"]["tls"]["mode"], "STRICT");
  EXPECT_FALSE((*created)["spec"].contains("unknownField"));  // pruned

  auto missing = client_->create(kPaymentServices, "default", psvc("b", json::object()));
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("spec.ports: Required value"), std::string::npos)
      << missing.status().message();
  auto bad = client_->create(kPaymentServices, "default", psvc("c", {{"ports", {{{"port", 0}, {"protocol", "UDP"}}}}}));
  EXPECT_NE(bad.status().message().find("spec.ports[0].port"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("spec.ports[0].protocol: Unsupported value"), std::string::npos);

  // Status subresource: the main endpoint ignores status, the status endpoint ignores spec.
  json with_status = *created;
  with_status["status"] = {{"observedGeneration", 1}};
  auto st = client_->updateStatus(kPaymentServices, with_status);
  ASSERT_TRUE(st.isOk()) << st.status().toString();
  EXPECT_EQ((*st)["status"]["observedGeneration"], 1);
  EXPECT_EQ((*st)["metadata"]["generation"], 1);

  // Deleting the CRD removes its objects and stops serving the resource.
  ASSERT_TRUE(client_->remove(kCustomResourceDefinitions, "", "paymentservices.paymesh.io").isOk());
  EXPECT_TRUE(kube::isNotFound(client_->get(kPaymentServices, "default", "a").status()));
  EXPECT_TRUE(emulator_.api().objects("paymesh.io", "paymentservices").empty());
}

// The write log keeps every write in the order it was applied, with who asked and the
// answer; reads are not in it. The observer runs outside the server's lock.
TEST(ApiServerWrites, LoggedInOrderAndObservedOutsideTheLock) {
  Options o;
  o.record_writes = true;
  TestApi t(o);
  std::vector<std::string> observed;
  t.api.setWriteObserver([&](const ServedWrite& w) {
    t.api.resourceVersion();  // takes the lock: would deadlock inside it
    observed.push_back(w.request.verb + " " + w.request.name + " " + std::to_string(w.status));
  });
  auto as = [](const std::string& agent) { return std::map<std::string, std::string>{{"user-agent", agent}}; };
  t.send("POST", kConfigMaps, configMap("a").dump(), "application/json", {}, as("one"));
  t.send("GET", kConfigMaps + "/a", "", "", {}, as("one"));
  t.send("POST", kConfigMaps, configMap("a").dump(), "application/json", {}, as("two"));
  t.send("PATCH", kConfigMaps + "/a", R"({"data":{"k":"v"}})", "application/merge-patch+json", {}, as("two"));
  auto log = t.api.writes();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].request.user_agent, "one");
  EXPECT_EQ(log[0].request.verb, "create");
  EXPECT_EQ(log[0].status, 201);
  EXPECT_EQ(log[1].request.user_agent, "two");
  EXPECT_EQ(log[1].status, 409);
  EXPECT_EQ(log[2].request.verb, "patch");
  EXPECT_EQ(log[2].request.name, "a");
  EXPECT_EQ(log[2].status, 200);
  EXPECT_EQ(observed, (std::vector<std::string>{"create a 201", "create a 409", "patch a 200"}));
}

TEST(ApiServerInputs, MalformedInputGetsClearErrors) {
  ApiServer api;
  auto call = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& ct = "application/json") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.headers["content-type"] = ct;
    return api.handle(req);
  };
  const std::string cms = "/api/v1/namespaces/default/configmaps";
  EXPECT_EQ(call("POST", cms, "{").status, 400);
  EXPECT_EQ(call("POST", cms, "[]").status, 400);
  EXPECT_EQ(call("POST", cms, R"({"metadata":"x"})").status, 422);
  EXPECT_EQ(call("POST", cms, R"({"metadata":{"name":5}})").status, 422);
  EXPECT_EQ(call("POST", cms, R"({"metadata":{"name":"a","labels":{"k":1}}})").status, 422);
  EXPECT_EQ(call("POST", cms, R"({"metadata":{"name":"Bad_Name"}})").status, 422);
  EXPECT_EQ(call("POST", cms, R"({"metadata":{"name":"a"}})").status, 201);
  EXPECT_EQ(call("PUT", cms + "/a", R"({"metadata":{"name":"a","resourceVersion":7}})").status, 422);
  EXPECT_EQ(call("PUT", cms + "/a", R"({"metadata":{"name":"b"}})").status, 400);
  EXPECT_EQ(call("PATCH", cms + "/a", R"("x")", "application/merge-patch+json").status, 400);
  EXPECT_EQ(call("PATCH", cms + "/a", R"([{"op":"bogus"}])", "application/json-patch+json").status, 422);
  EXPECT_EQ(
      call("PATCH", cms + "/a", R"({"metadata":{"ownerReferences":[{"uid":"u"}]}})", "application/merge-patch+json")
          .status,
      422);
  EXPECT_EQ(call("PATCH", cms + "/a", "{}", "application/apply-patch+yaml").status, 415);
  EXPECT_EQ(call("POST", cms, "x", "application/vnd.kubernetes.protobuf").status, 400);  // no k8s\0 prefix
  EXPECT_EQ(call("POST", cms, "x", "application/cbor").status, 415);
  HttpRequest bad_limit;
  bad_limit.method = "GET";
  bad_limit.path = cms;
  bad_limit.query["limit"] = "x";
  EXPECT_EQ(api.handle(bad_limit).status, 400);
  EXPECT_EQ(call("GET", cms + "/a/status", "").status, 404);  // configmaps have no status subresource
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/nothings", "").status, 404);
  EXPECT_EQ(call("POST", "/emulator/faults", R"({"seed":"x"})").status, 400);
  EXPECT_EQ(call("GET", "/version", "").status, 200);
}

}  // namespace
}  // namespace paymesh::emulator
