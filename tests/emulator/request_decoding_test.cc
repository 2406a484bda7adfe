// What a request carries: JSON or protobuf bodies, the body limit, dryRun.

#include "emulator/request_decoding.h"

#include <gtest/gtest.h>

#include "emulator/protobuf_encoder.h"
#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

HttpRequest withBody(const std::string& body, const std::string& content_type) {
  HttpRequest req;
  req.body = body;
  req.headers["content-type"] = content_type;
  return req;
}

TEST(RequestDecoding, JsonOrProtobufToTheSameObject) {
  json from_json, from_proto;
  EXPECT_FALSE(decodeBody(withBody(R"({"kind":"ConfigMap","data":{"a":"b"}})", "application/json"), "x", from_json));
  std::string proto = ProtoWriter::envelope("v1", "ConfigMap", ProtoWriter().entry(2, "a", "b"));
  EXPECT_FALSE(decodeBody(withBody(proto, "application/vnd.kubernetes.protobuf"), "x", from_proto));
  from_json["apiVersion"] = "v1";
  EXPECT_EQ(from_proto, from_json);

  json out;
  auto bad = decodeBody(withBody("{", "application/json"), "the request body is not JSON", out);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto job = decodeBody(
      withBody(ProtoWriter::envelope("batch/v1", "Job", ProtoWriter()), "application/vnd.kubernetes.protobuf"), "x",
      out);
  EXPECT_EQ(job->status, 415);
  EXPECT_NE(json::parse(job->body)["message"].get<std::string>().find("send it as application/json"),
            std::string::npos);
  EXPECT_EQ(decodeBody(withBody("x", "application/vnd.kubernetes.protobuf"), "x", out)->status, 400);
  EXPECT_EQ(decodeBody(withBody("x", "application/cbor"), "x", out)->status, 415);
}

TEST(RequestDecoding, BodyLimitAsKubeApiserver) {
  EXPECT_FALSE(checkBodySize(withBody(std::string(3 * 1024 * 1024, 'x'), ""), 3 * 1024 * 1024));
  auto r = checkBodySize(withBody(std::string(3 * 1024 * 1024 + 1, 'x'), ""), 3 * 1024 * 1024);
  ASSERT_TRUE(r);
  json status = json::parse(r->body);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(status["reason"], "RequestEntityTooLarge");
  EXPECT_EQ(status["message"], "Request entity too large: limit is 3145728");
}

TEST(RequestDecoding, BodyLimitOnEveryWrite) {
  Options o;
  o.max_request_body_bytes = 100;
  TestApi t(o);
  json big = configMap("big", {{"k", std::string(200, 'x')}});
  EXPECT_EQ(t.post(kConfigMaps, big).status, 413);
  ASSERT_EQ(t.post(kConfigMaps, configMap("small")).status, 201);
  EXPECT_EQ(t.put(kConfigMaps + "/small", big).status, 413);
  EXPECT_EQ(t.patch(kConfigMaps + "/small", big).status, 413);
  EXPECT_EQ(t.get(kConfigMaps + "/small").body["data"], json::object());  // nothing written
  TestApi defaults;  // 3 MiB: a 2 MiB body gets past the limit (and then fails the 1 MiB data rule)
  EXPECT_EQ(defaults.post(kConfigMaps, configMap("c", {{"k", std::string(2 << 20, 'x')}})).status, 422);
}

TEST(RequestDecoding, DryRun) {
  HttpRequest req;
  bool dry = true;
  EXPECT_FALSE(readDryRun(req, nullptr, "CreateOptions", dry));
  EXPECT_FALSE(dry);
  req.query["dryRun"] = "All";
  EXPECT_FALSE(readDryRun(req, nullptr, "CreateOptions", dry));
  EXPECT_TRUE(dry);
  req.query.clear();
  EXPECT_FALSE(readDryRun(req, {{"dryRun", {"All"}}}, "DeleteOptions", dry));
  EXPECT_TRUE(dry);
  req.query["dryRun"] = "Bogus";
  auto bad = readDryRun(req, nullptr, "CreateOptions", dry);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(json::parse(bad->body)["message"],
            "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Bogus\"}: supported "
            "values: \"All\"");
}

}  // namespace
}  // namespace paymesh::emulator
