#include "model/crd.h"

#include "model/api_docs.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/payment_service_schema.h"
#include "yaml/yaml.h"

namespace paymesh::model {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// crds/ is generated from the model; regenerate with
//   build/default/paymeshctl/paymeshctl crd > crds/paymesh.io_paymentservices.yaml
TEST(CrdTest, CheckedInCrdEqualsTheGeneratedOne) {
  std::string want = paymentServiceCrdYaml();
  EXPECT_EQ(readFile(PAYMESH_SOURCE_DIR "/crds/paymesh.io_paymentservices.yaml"), want)
      << "crds/ drifted from the model: regenerate it with `paymeshctl crd`";
  EXPECT_EQ(readFile(PAYMESH_SOURCE_DIR "/charts/paymesh/crds/paymesh.io_paymentservices.yaml"), want)
      << "the chart's copy of the CRD drifted: copy crds/ into charts/paymesh/crds/";
}

TEST(CrdTest, ApiReferenceIsUpToDate) {
  EXPECT_EQ(readFile(PAYMESH_SOURCE_DIR "/docs/api.md"), apiReferenceMarkdown())
      << "docs/api.md drifted from the model: regenerate it with `paymeshctl crd -o markdown > docs/api.md`";
}

TEST(CrdTest, YamlReadsBackAsTheSameObject) {
  auto docs = yaml::parseYamlDocuments(paymentServiceCrdYaml());
  ASSERT_TRUE(docs.isOk()) << docs.status().message();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].value, nlohmann::json::parse(paymentServiceCrd().dump()));
}

TEST(CrdTest, NamesColumnsAndSubresources) {
  auto crd = paymentServiceCrd();
  EXPECT_EQ(crd["metadata"]["name"], "paymentservices.paymesh.io");
  EXPECT_EQ(crd["spec"]["names"]["shortNames"][0], "psvc");
  EXPECT_EQ(crd["spec"]["names"]["categories"][0], "paymesh");
  EXPECT_EQ(crd["spec"]["scope"], "Namespaced");
  const auto& v = crd["spec"]["versions"][0];
  EXPECT_TRUE(v["subresources"].contains("status"));
  std::vector<std::string> columns;
  for (const auto& c : v["additionalPrinterColumns"]) columns.push_back(c["name"]);
  EXPECT_EQ(columns, (std::vector<std::string>{"Policy", "Endpoints", "Ready", "TLS", "Age"}));
}

TEST(CrdTest, SchemaCarriesBoundsEnumsDefaultsAndRules) {
  auto spec = paymentServiceCrd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"];
  const auto& attempts = spec["properties"]["resilience"]["properties"]["retry"]["properties"]["attempts"];
  EXPECT_EQ(attempts["maximum"], 10);
  EXPECT_EQ(attempts["minimum"], 0);
  EXPECT_EQ(attempts["default"], 2);
  const auto& policy = spec["properties"]["loadBalancing"]["properties"]["policy"];
  EXPECT_EQ(policy["enum"].size(), 4u);
  EXPECT_EQ(policy["default"], "ConsistentHash");
  const auto& ring = spec["properties"]["discovery"]["properties"]["ring"];
  ASSERT_TRUE(ring.contains("x-kubernetes-validations"));
  size_t ring_rules = ring["x-kubernetes-validations"].size();
  EXPECT_EQ(ring_rules, 4u);
  const auto& timeout = spec["properties"]["resilience"]["properties"]["timeout"];
  EXPECT_EQ(timeout["x-kubernetes-validations"][0]["rule"],
            "duration(self) >= duration('1ms') && duration(self) <= duration('1h0m0s')");
  // Every CEL rule of the model is in the CRD.
  std::string text = paymentServiceCrdYaml();
  for (const auto& r : allCelRules(paymentServiceSchema())) {
    EXPECT_NE(text.find(r.rule.message), std::string::npos) << r.rule.id;
  }
}

}  // namespace
}  // namespace paymesh::model
