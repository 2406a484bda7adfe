#include "ring/endpoints_file.h"

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

TEST(EndpointsFileTest, Lines) {
  auto r = parseEndpointList("# pods\n10.0.0.1:80\n\n  pod-b=3  \r\n#x\npod-c=1");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, (std::vector<Endpoint>{{"10.0.0.1:80", 1}, {"pod-b", 3}, {"pod-c", 1}}));
}

TEST(EndpointsFileTest, LineErrorsNameTheLine) {
  auto r = parseEndpointList("a\nb=0\n");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "line 2: endpoint \"b\": weight must be at least 1, got 0");
}

TEST(EndpointsFileTest, JsonList) {
  auto r = parseEndpointList(R"([" a=2", {"key": "b"}, {"key": "c", "weight": 4}, "d"])");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, (std::vector<Endpoint>{{" a", 2}, {"b", 1}, {"c", 4}, {"d", 1}}));
}

TEST(EndpointsFileTest, JsonErrors) {
  EXPECT_FALSE(parseEndpointList("[").isOk());
  EXPECT_FALSE(parseEndpointList(R"([1])").isOk());
  EXPECT_FALSE(parseEndpointList(R"([{"key": "a", "weight": -1}])").isOk());
  EXPECT_FALSE(parseEndpointList(R"([{"key": "a", "wieght": 2}])").isOk());
  EXPECT_FALSE(parseEndpointList(R"([{"weight": 2}])").isOk());
  auto r = parseEndpointList(R"(["a", "b=x"])");
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("endpoint list [1]"), std::string::npos) << r.status().message();
}

TEST(EndpointsFileTest, EmptyInputIsAnEmptyList) {
  auto r = parseEndpointList("\n# nothing\n");
  ASSERT_TRUE(r.isOk());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace paymesh::ring
