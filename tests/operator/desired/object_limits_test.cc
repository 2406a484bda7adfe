#include "operator/desired/object_limits.h"

#include <gtest/gtest.h>

#include "policy/names.h"

namespace paymesh::ctrl {
namespace {

TEST(ObjectLimitsTest, DataUpToTheLimitFitsAndOneByteMoreIsNamedWithItsLargestFiles) {
  std::map<std::string, std::string> files = {{"cds.yaml", std::string(1000, 'c')},
                                              {"eds-ledger.json", std::string(kMaxConfigMapDataBytes - 1500, 'e')},
                                              {"lds.yaml", std::string(500, 'l')}};
  EXPECT_EQ(configMapDataBytes(files), kMaxConfigMapDataBytes);
  EXPECT_EQ(configMapSizeProblem("payments/payment-paymesh", files), "") << "exactly at the limit is stored";
  files["lds.yaml"] += "x";
  EXPECT_EQ(configMapSizeProblem("payments/payment-paymesh", files),
            "ConfigMap payments/payment-paymesh would hold 1,048,577 bytes of data, over Kubernetes' limit of "
            "1,048,576 bytes (largest files: eds-ledger.json 1,047,076, cds.yaml 1,000, lds.yaml 501); it is not "
            "written and the one in place is kept");
}

TEST(ObjectLimitsTest, KeysDoNotCountAndTiesAreNamedInNameOrder) {
  std::map<std::string, std::string> files = {{std::string(300, 'k'), ""}};
  EXPECT_EQ(configMapDataBytes(files), 0u);
  std::map<std::string, std::string> big = {{"b", std::string(kMaxConfigMapDataBytes / 2 + 1, 'x')},
                                            {"a", std::string(kMaxConfigMapDataBytes / 2 + 1, 'x')}};
  EXPECT_NE(configMapSizeProblem("ns/x", big).find("(largest files: a 524,289, b 524,289)"), std::string::npos);
}

TEST(ObjectLimitsTest, Thousands) {
  EXPECT_EQ(withThousands(0), "0");
  EXPECT_EQ(withThousands(999), "999");
  EXPECT_EQ(withThousands(1000), "1,000");
  EXPECT_EQ(withThousands(1048576), "1,048,576");
}

using Files = std::map<std::string, std::string>;

// A caller of `deps` services, each endpoint file `bytes` long.
Files callerFiles(int deps, size_t bytes) {
  Files files = {{"cds.yaml", std::string(3000, 'c')},
                 {"envoy.yaml", std::string(2000, 'b')},
                 {"lds.yaml", std::string(7000, 'l')}};
  for (int d = 0; d < deps; ++d) files["eds-ledger-" + std::to_string(d) + ".json"] = std::string(bytes, 'e');
  return files;
}

// Which shard holds each file (-1: the first ConfigMap).
std::map<std::string, int> placement(const ConfigLayout& layout) {
  std::map<std::string, int> out;
  for (const auto& [name, content] : layout.main) out[name] = -1;
  for (size_t n = 0; n < layout.shards.size(); ++n)
    for (const auto& [name, content] : layout.shards[n]) out[name] = static_cast<int>(n);
  return out;
}

TEST(LayOutConfigTest, WhatFitsStaysInOneConfigMap) {
  Files files = callerFiles(3, 100000);
  ConfigLayout layout = layOutConfig("payments/payment-paymesh", files);
  EXPECT_EQ(layout.problem, "");
  EXPECT_EQ(layout.main, files);
  EXPECT_TRUE(layout.shards.empty());
}

// 20 dependencies of 110 KB each: the endpoint files leave the first ConfigMap for
// shards, every ConfigMap fits, and nothing is lost or doubled.
TEST(LayOutConfigTest, EndpointFilesOverTheLimitMoveToShardsThatEachFit) {
  Files files = callerFiles(20, 110000);
  ConfigLayout layout = layOutConfig("payments/payment-paymesh", files);
  ASSERT_EQ(layout.problem, "");
  ASSERT_EQ(layout.shards.size(), static_cast<size_t>(policy::kConfigShards));
  EXPECT_EQ(
      layout.main,
      (Files{{"cds.yaml", files["cds.yaml"]}, {"envoy.yaml", files["envoy.yaml"]}, {"lds.yaml", files["lds.yaml"]}}));
  Files all = layout.main;
  size_t in_use = 0;
  for (const auto& shard : layout.shards) {
    EXPECT_LE(configMapDataBytes(shard), kMaxConfigMapDataBytes);
    in_use += shard.empty() ? 0 : 1;
    for (const auto& [name, content] : shard) EXPECT_TRUE(all.emplace(name, content).second) << name << " twice";
  }
  EXPECT_EQ(all, files);
  EXPECT_GE(in_use, 3u) << "2.2 MB of endpoint files need at least three shards";
}

// A pod more or less changes one file: only the shard that holds it changes.
TEST(LayOutConfigTest, AFileThatGrowsKeepsItsShardAndNoOtherMoves) {
  Files files = callerFiles(20, 100000);
  ConfigLayout before = layOutConfig("payments/payment-paymesh", files);
  ASSERT_EQ(before.problem, "");
  for (const auto& [name, unused] : files) {
    if (name.rfind("eds-", 0) != 0) continue;
    Files grown = files;
    grown[name] += std::string(213, 'e');
    ConfigLayout after = layOutConfig("payments/payment-paymesh", grown);
    ASSERT_EQ(after.problem, "");
    EXPECT_EQ(placement(after), placement(before)) << name;
    size_t changed = 0;
    for (size_t n = 0; n < before.shards.size(); ++n) changed += before.shards[n] != after.shards[n] ? 1 : 0;
    EXPECT_EQ(changed, 1u) << name;
  }
}

TEST(LayOutConfigTest, OneEndpointFileOverTheLimitIsNamed) {
  Files files = callerFiles(2, 1000);
  files["eds-ledger-1.json"] = std::string(kMaxConfigMapDataBytes + 1, 'e');
  ConfigLayout layout = layOutConfig("payments/payment-paymesh", files);
  EXPECT_EQ(layout.problem,
            "ConfigMap payments/payment-paymesh: eds-ledger-1.json alone is 1,048,577 bytes, over Kubernetes' limit of "
            "1,048,576 bytes for one ConfigMap (one cluster's endpoints are one file); it is not written and the one "
            "in place is kept");
  EXPECT_TRUE(layout.main.empty());
  EXPECT_TRUE(layout.shards.empty());
}

TEST(LayOutConfigTest, MoreThanEveryShardCanHoldIsRefused) {
  Files files = callerFiles(policy::kConfigShards + 1, 600000);
  ConfigLayout layout = layOutConfig("payments/payment-paymesh", files);
  EXPECT_EQ(layout.problem,
            "ConfigMap payments/payment-paymesh would hold 5,412,000 bytes of data: its endpoint files do not fit in 8 "
            "more ConfigMaps of at most 1,048,576 bytes each; it is not written and the one in place is kept");
  EXPECT_TRUE(layout.shards.empty());
}

// The first ConfigMap keeps every file but the endpoint files: when those alone are too
// many bytes, there is nothing left to move.
TEST(LayOutConfigTest, TooLargeWithoutItsEndpointFilesIsRefused) {
  Files files = {{"lds.yaml", std::string(kMaxConfigMapDataBytes, 'l')}, {"eds-ledger.json", "{}"}};
  ConfigLayout layout = layOutConfig("payments/payment-paymesh", files);
  EXPECT_EQ(layout.problem, "");
  EXPECT_EQ(layout.main.size(), 1u);
  files["lds.yaml"] += "x";
  layout = layOutConfig("payments/payment-paymesh", files);
  EXPECT_NE(layout.problem.find("would hold 1,048,577 bytes of data, over Kubernetes' limit of 1,048,576 bytes "
                                "(largest files: lds.yaml 1,048,577)"),
            std::string::npos)
      << layout.problem;
}

}  // namespace
}  // namespace paymesh::ctrl
