#include "operator/desired/object_limits.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace paymesh::ctrl
