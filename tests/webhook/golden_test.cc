// The golden set of tests/testdata/inject/ through the webhook over HTTPS: each pod sent
// as a real-format AdmissionReview, the returned JSON Patch applied both by nlohmann's
// RFC 6902 implementation and by an independent one (Debian's python3-jsonpatch), and
// the result compared with the golden pod the library and paymeshctl give.

#include <fstream>

#include "base/base64.h"
#include "inject/golden_cases.h"
#include "support/run_command.h"
#include "webhook_fixture.h"

namespace paymesh::webhook {
namespace {

using nlohmann::json;

// Applies `patch` to `doc` with python3-jsonpatch; returns the result.
json applyWithPythonJsonpatch(const json& doc, const json& patch) {
  std::string base = "/tmp/paymesh-jsonpatch-" + std::to_string(::getpid());
  std::ofstream(base + ".doc.json") << doc.dump();
  std::ofstream(base + ".patch.json") << patch.dump();
  auto r = paymesh::testing::runCommand(
      "/usr/bin/python3 -c 'import json, sys, jsonpatch\n"
      "doc = json.load(open(sys.argv[1])); patch = jsonpatch.JsonPatch(json.load(open(sys.argv[2])))\n"
      "print(json.dumps(patch.apply(doc)))' " +
      base + ".doc.json " + base + ".patch.json");
  std::remove((base + ".doc.json").c_str());
  std::remove((base + ".patch.json").c_str());
  EXPECT_EQ(r.exit_code, 0) << "python3-jsonpatch (scripts/install-deps.sh installs it): " << r.err;
  return json::parse(r.out, nullptr, false);
}

class WebhookGoldenTest : public testing::WebhookFixture {};

TEST_F(WebhookGoldenTest, TheWebhookGivesTheGoldenPods) {
  auto cases = inject::testing::goldenCases();
  ASSERT_GE(cases.size(), 7u);
  for (const auto& c : cases) {
    mesh_ = std::make_shared<const model::MeshConfig>(c.mesh);
    std::string ns = c.pod["metadata"]["namespace"];
    json resp = answer(testing::review(c.pod, ns, "uid-" + c.name));
    ASSERT_EQ(resp["uid"], "uid-" + c.name);
    ASSERT_EQ(resp["allowed"], true) << c.name << ": " << resp.dump();
    json golden = json::parse(paymesh::testing::slurp(c.golden));
    if (!resp.contains("patch")) {
      EXPECT_EQ(c.pod, golden) << c.name << ": no patch, so the golden pod is the pod as given";
      continue;
    }
    EXPECT_EQ(resp["patchType"], "JSONPatch");
    auto decoded = base64Decode(resp["patch"].get<std::string>());
    ASSERT_TRUE(decoded.isOk());
    json patch = json::parse(*decoded);
    EXPECT_EQ(c.pod.patch(patch), golden) << c.name;
    EXPECT_EQ(applyWithPythonJsonpatch(c.pod, patch), golden) << c.name << ": python3-jsonpatch disagrees";
  }
}

TEST_F(WebhookGoldenTest, PatchesWithEscapedKeysAndNoAnnotationsMapApplyIndependently) {
  // The review object as kube-apiserver sends a ReplicaSet's pod: generateName, no
  // annotations map, label keys with '/' and '~'.
  json pod = json::parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "payment-5f6d-",
    "namespace": "payments", "labels": {"app": "payment", "example.com/a~b/c": "x", "~": "tilde"}},
    "spec": {"serviceAccountName": "payment", "containers": [{"name": "app", "image": "p:1"}]}})");
  json resp = answer(testing::review(pod));
  json patch = json::parse(*base64Decode(resp["patch"].get<std::string>()));
  bool escaped = false;
  for (const auto& op : patch) escaped = escaped || op["path"].get<std::string>().find("~1") != std::string::npos;
  json ours = pod.patch(patch);
  EXPECT_EQ(applyWithPythonJsonpatch(pod, patch), ours);
  EXPECT_EQ(ours["metadata"]["labels"]["example.com/a~b/c"], "x");
  EXPECT_EQ(ours["metadata"]["labels"]["paymesh.io/service"], "payment");
  EXPECT_TRUE(ours["metadata"]["annotations"].contains("paymesh.io/injected"));
  EXPECT_TRUE(escaped || patch.dump().find("paymesh.io~1") != std::string::npos) << patch.dump();
}

}  // namespace
}  // namespace paymesh::webhook
