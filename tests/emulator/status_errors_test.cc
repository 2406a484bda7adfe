// Status errors shaped as kube-apiserver's.

#include "emulator/status_errors.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

using nlohmann::json;

TEST(StatusErrors, InvalidNamesTheQualifiedKindAndEachCause) {
  TypeRegistry types;
  const ResourceType& deployments = *types.find("apps", "v1", "deployments");
  json one = json::parse(invalidError(deployments, "web", {{"FieldValueRequired", "spec.a", "Required value"}}).body);
  EXPECT_EQ(one["message"], "Deployment.apps \"web\" is invalid: spec.a: Required value");
  EXPECT_EQ(one["code"], 422);
  EXPECT_EQ(one["details"]["kind"], "Deployment");
  EXPECT_EQ(one["details"]["group"], "apps");
  json two = json::parse(invalidError(*types.find("", "v1", "pods"), "p",
                                      {{"FieldValueRequired", "spec.a", "Required value"},
                                       {"FieldValueInvalid", "spec.b", "Invalid value: 1"}})
                             .body);
  EXPECT_EQ(two["message"], "Pod \"p\" is invalid: [spec.a: Required value, spec.b: Invalid value: 1]");
  EXPECT_EQ(two["details"]["causes"][1]["field"], "spec.b");
}

TEST(StatusErrors, ReasonsByCode) {
  EXPECT_EQ(json::parse(statusError(413, "x").body)["reason"], "RequestEntityTooLarge");
  EXPECT_EQ(json::parse(statusError(409, "x", nullptr, "AlreadyExists").body)["reason"], "AlreadyExists");
  TypeRegistry types;
  json nf = json::parse(notFoundError(*types.find("apps", "v1", "deployments"), "web").body);
  EXPECT_EQ(nf["message"], "deployments.apps \"web\" not found");
  EXPECT_EQ(nf["status"], "Failure");
}

}  // namespace
}  // namespace paymesh::emulator
