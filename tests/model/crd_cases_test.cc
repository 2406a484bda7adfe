// The same cases the CRD is checked with by an independent JSON-schema and CEL
// implementation (tools/check-crd.mjs, ctest crd_schema_crosscheck) must get the same
// verdict, at the same field, from the C++ model.

#include <gtest/gtest.h>

#include "model/manifest.h"
#include "model/payment_service.h"

namespace paymesh::model {
namespace {

// "/spec/ports/0/port" -> "spec.ports[0].port"
std::string toFieldPath(const std::string& pointer) {
  std::string out;
  size_t i = 1;
  while (i < pointer.size()) {
    size_t next = pointer.find('/', i);
    std::string part = pointer.substr(i, next == std::string::npos ? std::string::npos : next - i);
    bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    out += index ? "[" + part + "]" : (out.empty() ? "" : ".") + part;
    if (next == std::string::npos) break;
    i = next + 1;
  }
  return out;
}

void checkFile(const std::string& file, size_t min_cases) {
  auto manifests = readManifests(file);
  ASSERT_TRUE(manifests.isOk()) << manifests.status().message();
  size_t n = 0;
  for (const auto& m : *manifests) {
    if (m.kind() != kKind) continue;
    ++n;
    auto r = parsePaymentService(m.doc.value);
    auto ann = m.doc.value["metadata"].value("annotations", nlohmann::json::object());
    std::string id = m.file + ":" + std::to_string(m.doc.line) + " " + m.name();
    if (!ann.contains("test.paymesh.io/expect-error")) {
      EXPECT_TRUE(r.errors.empty()) << id << ": " << toString(r.errors[0]);
      continue;
    }
    std::string want = toFieldPath(ann["test.paymesh.io/expect-error"].get<std::string>());
    bool hit = false;
    for (const auto& e : r.errors) hit = hit || e.path.rfind(want, 0) == 0;
    EXPECT_TRUE(hit) << id << ": expected an error at " << want << ", got "
                     << (r.errors.empty() ? "none" : toString(r.errors[0]));
  }
  EXPECT_GE(n, min_cases);
}

TEST(CrdCasesTest, ValidCasesAreAccepted) { checkFile(PAYMESH_SOURCE_DIR "/tests/testdata/crd/valid.yaml", 10); }
TEST(CrdCasesTest, InvalidCasesAreRejectedAtTheirField) {
  checkFile(PAYMESH_SOURCE_DIR "/tests/testdata/crd/invalid.yaml", 50);
}
TEST(CrdCasesTest, ExamplesAreAccepted) { checkFile(PAYMESH_SOURCE_DIR "/examples/payments/settlement.yaml", 1); }

}  // namespace
}  // namespace paymesh::model
