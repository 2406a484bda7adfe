// Tokens and the request record.

#include "emulator/authorization.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

TEST(Authorization, TokensAndTheReadOnlyToken) {
  Options o;
  o.token = "admin";
  o.readonly_token = "viewer";
  TestApi t(o);
  auto as = [&](const std::string& method, const std::string& token, const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["authorization"] = "Bearer " + token;
    return t.send(method, kConfigMaps, body, "application/json", {}, headers).status;
  };
  EXPECT_EQ(as("GET", ""), 401);
  EXPECT_EQ(as("GET", "wrong"), 401);
  EXPECT_EQ(as("GET", "viewer"), 200);
  EXPECT_EQ(as("POST", "viewer", configMap("a").dump()), 403);
  EXPECT_EQ(as("POST", "admin", configMap("a").dump()), 201);
}

TEST(Authorization, RecordsWhatAnAuthorizerWouldSee) {
  Options o;
  o.record_requests = true;
  TestApi t(o);
  t.post(kConfigMaps, configMap("a"));
  t.get(kConfigMaps + "/a");
  t.get("/api/v1/configmaps");
  t.del(kConfigMaps + "/a");
  t.get("/version");  // not a resource request
  std::set<std::string> seen;
  for (const auto& r : t.api.requests()) seen.insert(r.verb + " " + r.resource + " " + r.ns + " " + r.name);
  EXPECT_EQ(seen, (std::set<std::string>{"create configmaps default ", "get configmaps default a", "list configmaps  ",
                                         "delete configmaps default a"}));
}

TEST(Authorization, VerbsByMethodAndTarget) {
  TypeRegistry types;
  Target t{types.find("", "v1", "pods"), "default", "", ""};
  HttpRequest req;
  req.method = "DELETE";
  EXPECT_EQ(attributesOf(req, t, false).verb, "deletecollection");
  req.method = "GET";
  EXPECT_EQ(attributesOf(req, t, true).verb, "watch");
  t.name = "p";
  req.method = "PATCH";
  EXPECT_EQ(attributesOf(req, t, false).verb, "patch");
  req.method = "PUT";
  t.subresource = "status";
  auto a = attributesOf(req, t, false);
  EXPECT_EQ(a.verb, "update");
  EXPECT_EQ(a.subresource, "status");
}

}  // namespace
}  // namespace paymesh::emulator
