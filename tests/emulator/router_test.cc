// Paths as kube-apiserver lays them out, read into routes.

#include "emulator/router.h"

#include <gtest/gtest.h>

namespace paymesh::emulator {
namespace {

TEST(Router, ResourcePaths) {
  TypeRegistry types;
  Route r = route("/api/v1/namespaces/default/pods/web-0/status", types);
  ASSERT_EQ(r.kind, Route::Kind::kResource);
  EXPECT_EQ(r.target.type->kind, "Pod");
  EXPECT_EQ(r.target.ns, "default");
  EXPECT_EQ(r.target.name, "web-0");
  EXPECT_EQ(r.target.subresource, "status");

  r = route("/apis/apps/v1/deployments", types);  // every namespace
  ASSERT_EQ(r.kind, Route::Kind::kResource);
  EXPECT_EQ(r.target.type->kind, "Deployment");
  EXPECT_EQ(r.target.ns, "");
  EXPECT_EQ(r.target.name, "");

  r = route("/api/v1/namespaces/payments", types);  // a cluster-scoped object under "namespaces"
  ASSERT_EQ(r.kind, Route::Kind::kResource);
  EXPECT_EQ(r.target.type->kind, "Namespace");
  EXPECT_EQ(r.target.name, "payments");
  EXPECT_EQ(r.target.objectNamespace(), "");

  r = route("/api/v1/watch/namespaces/default/configmaps", types);
  ASSERT_EQ(r.kind, Route::Kind::kResource);
  EXPECT_TRUE(r.legacy_watch);
  EXPECT_EQ(r.target.type->kind, "ConfigMap");
}

TEST(Router, WhatIsNotAResource) {
  TypeRegistry types;
  EXPECT_EQ(route("/api/v1/pods/web-0", types).kind, Route::Kind::kNone);  // a pod needs its namespace
  // An unknown resource in a namespace reads as a subresource of the namespace (answered 404).
  EXPECT_EQ(route("/api/v1/namespaces/default/nothings", types).target.subresource, "nothings");
  EXPECT_EQ(route("/api/v1/namespaces/default/pods/a/status/extra", types).kind, Route::Kind::kNone);
  EXPECT_EQ(route("/apis/paymesh.io/v1alpha1/paymentservices", types).kind, Route::Kind::kNone);  // no CRD yet
  EXPECT_EQ(route("/version", types).kind, Route::Kind::kVersion);
  EXPECT_EQ(route("/readyz", types).kind, Route::Kind::kHealth);
  EXPECT_EQ(route("/api", types).kind, Route::Kind::kApi);
  EXPECT_EQ(route("/apis", types).kind, Route::Kind::kApis);
  EXPECT_EQ(route("/apis/apps", types).kind, Route::Kind::kApiGroup);
  EXPECT_EQ(route("/apis/apps/v1", types).kind, Route::Kind::kGroupVersion);
  EXPECT_EQ(route("/openapi/v2", types).kind, Route::Kind::kOpenApiV2);
  Route doc = route("/openapi/v3/apis/apps/v1", types);
  EXPECT_EQ(doc.kind, Route::Kind::kOpenApiV3Doc);
  EXPECT_EQ(doc.groupVersion(), "apps/v1");
  EXPECT_EQ(route("/openapi/v3/api/v1", types).groupVersion(), "v1");
  EXPECT_EQ(route("/emulator/faults", types).kind, Route::Kind::kFaults);
  EXPECT_EQ(route("/", types).kind, Route::Kind::kNone);
}

TEST(Router, WriteMethods) {
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE"}) EXPECT_TRUE(isWriteMethod(m)) << m;
  for (const char* m : {"GET", "HEAD", "OPTIONS"}) EXPECT_FALSE(isWriteMethod(m)) << m;
}

}  // namespace
}  // namespace paymesh::emulator
