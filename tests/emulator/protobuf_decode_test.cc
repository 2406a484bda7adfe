// Kubernetes protobuf bodies into the JSON kube-apiserver would decode them to.

#include "emulator/protobuf_decode.h"

#include <gtest/gtest.h>

#include "emulator/protobuf_encoder.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;
using P = ProtoWriter;

json decode(const std::string& api_version, const std::string& kind, const P& object) {
  ProtobufBody b = decodeKubernetesProtobuf(P::envelope(api_version, kind, object));
  EXPECT_EQ(b.error, "");
  return b.object;
}

P meta(const std::string& name) {
  // As client-go writes it: every non-pointer field, empty or not, and an empty creationTimestamp.
  return P().bytes(1, name).bytes(2, "").bytes(3, "").varint(7, 0).message(8, P());
}

TEST(ProtobufDecode, NamespaceAsKubectlCreateSendsIt) {
  json ns =
      decode("v1", "Namespace", P().message(1, meta("demo").entry(11, "team", "pay")).message(2, P()).message(3, P()));
  EXPECT_EQ(ns, json::parse(R"({"apiVersion":"v1","kind":"Namespace",
      "metadata":{"name":"demo","labels":{"team":"pay"}},"spec":{},"status":{}})"));
}

TEST(ProtobufDecode, ConfigMapAndSecretData) {
  json cm = decode("v1", "ConfigMap", P().message(1, meta("cfg")).entry(2, "mode", "fast").entry(2, "empty", ""));
  EXPECT_EQ(cm["data"], json({{"mode", "fast"}, {"empty", ""}}));  // an empty value is a value
  EXPECT_FALSE(cm.contains("immutable"));
  json secret = decode(
      "v1", "Secret",
      P().message(1, meta("creds")).entry(2, "password", std::string("s3\0cr3t", 7)).bytes(3, "Opaque").varint(5, 0));
  EXPECT_EQ(secret["data"]["password"], "czMAY3IzdA==");  // bytes are base64 in JSON
  EXPECT_EQ(secret["type"], "Opaque");
  EXPECT_EQ(secret["immutable"], false);  // a pointer on the wire keeps its zero
}

TEST(ProtobufDecode, DeploymentWithPodTemplate) {
  P container = P().bytes(1, "api").bytes(2, "registry.example/api:1").varint(16, 0);
  container.message(6, P().bytes(1, "").varint(2, 0).varint(3, 8080).bytes(4, "TCP"));
  container.message(8, P().message(1, P().bytes(1, "cpu").message(2, P().bytes(1, "500m"))));
  P volume = P().bytes(1, "cfg").message(2, P().message(19, P().message(1, P().bytes(1, "api-config"))));
  P pod_spec = P().message(2, container).message(1, volume).varint(11, 0).varint(21, 0);
  P spec =
      P().varint(1, 0).message(2, P().entry(1, "app", "api")).message(3, P().message(1, meta("")).message(2, pod_spec));
  json d = decode("apps/v1", "Deployment", P().message(1, meta("api")).message(2, spec));
  EXPECT_EQ(d["spec"]["replicas"], 0);  // *int32: kept
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"]["app"], "api");
  const json& ps = d["spec"]["template"]["spec"];
  EXPECT_EQ(d["spec"]["template"]["metadata"], json::object());
  EXPECT_FALSE(ps.contains("hostNetwork"));              // bool, omitempty: dropped
  EXPECT_EQ(ps["automountServiceAccountToken"], false);  // *bool: kept
  EXPECT_EQ(ps["containers"][0], json::parse(R"({"name":"api","image":"registry.example/api:1",
      "ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m"}}})"));
  EXPECT_EQ(ps["volumes"][0], json::parse(R"({"name":"cfg","configMap":{"name":"api-config"}})"));  // inlined
}

TEST(ProtobufDecode, ServicePortsAndIntOrString) {
  P by_name = P().bytes(1, "http").varint(3, 80).message(4, P().varint(1, 1).varint(2, 0).bytes(3, "web"));
  P by_number = P().bytes(1, "grpc").varint(3, 9090).message(4, P().varint(1, 0).varint(2, 9091).bytes(3, ""));
  json svc =
      decode("v1", "Service", P().message(1, meta("api")).message(2, P().message(1, by_name).message(1, by_number)));
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], "web");
  EXPECT_EQ(svc["spec"]["ports"][1]["targetPort"], 9091);
}

TEST(ProtobufDecode, TimesAndDeleteOptions) {
  json ns = decode("v1", "Namespace", P().message(1, P().bytes(1, "t").message(8, P().varint(1, 1767225600))));
  EXPECT_EQ(ns["metadata"]["creationTimestamp"], "2026-01-01T00:00:00Z");
  json opts = decode("v1", "DeleteOptions", P().bytes(4, "Background").bytes(5, "All").varint(1, 0));
  EXPECT_EQ(opts["dryRun"], json::array({"All"}));
  EXPECT_EQ(opts["propagationPolicy"], "Background");
  EXPECT_EQ(opts["gracePeriodSeconds"], 0);
}

TEST(ProtobufDecode, UnknownFieldsAreSkippedAsKubeApiserverDoes) {
  json cm = decode("v1", "ConfigMap", P().message(1, meta("cfg")).varint(99, 1).bytes(98, "x"));
  EXPECT_EQ(cm, json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}})"));
}

TEST(ProtobufDecode, BadBodiesNameWhatIsWrong) {
  EXPECT_EQ(decodeKubernetesProtobuf("{}").error,
            "the body does not start with the Kubernetes protobuf prefix \"k8s\\x00\"");
  ProtobufBody unknown = decodeKubernetesProtobuf(P::envelope("batch/v1", "Job", P()));
  EXPECT_TRUE(unknown.unknown_kind);
  EXPECT_EQ(unknown.error, "the emulator has no protobuf table for kind Job (batch/v1)");
  // A string field sent as a varint, deep inside.
  std::string wrong = P::envelope("v1", "Pod", P().message(2, P().message(2, P().varint(1, 5))));
  EXPECT_EQ(decodeKubernetesProtobuf(wrong).error, "Pod: spec.containers.name: wire type 0 where 2 belongs");
  std::string truncated = P::envelope("v1", "ConfigMap", P().message(1, meta("x")));
  truncated.pop_back();
  EXPECT_NE(decodeKubernetesProtobuf(truncated).error.find("past the end"), std::string::npos);
  std::string bad_utf8 = P::envelope("v1", "ConfigMap", P().entry(2, "k", "\xff\xfe"));
  EXPECT_EQ(decodeKubernetesProtobuf(bad_utf8).error, "ConfigMap: a string field is not valid UTF-8");
  EXPECT_EQ(decodeKubernetesProtobuf(std::string("k8s\0", 4)).error,
            "malformed runtime.Unknown envelope: no kind in typeMeta");
}

}  // namespace
}  // namespace paymesh::emulator
