// Fuzzes the mesh CA Secret as the operator reads it (operator/desired/ca_rotation.cc):
// the input as a whole Secret (JSON), and as the paymesh.io/ca-rotation annotation of a
// valid CA Secret; what reads must plan a rotation pass and write back a Secret that
// reads again. Errors are expected; a throw or crash is a bug.

#include <string>

#include "fuzz/fuzz_util.h"
#include "operator/desired/ca_rotation.h"

namespace {

using nlohmann::json;
using paymesh::pki::TimePoint;

const TimePoint kNow = std::chrono::system_clock::from_time_t(1780272000);

const paymesh::pki::CertificateAuthority& fixedCa() {
  static const paymesh::pki::CertificateAuthority ca = *paymesh::pki::CertificateAuthority::create({}, kNow);
  return ca;
}

const json& validSecret() {
  static const json secret = [] {
    paymesh::ctrl::CaSecretView v{fixedCa(), std::nullopt, {}, paymesh::pki::initialCaState(fixedCa().id(), kNow)};
    v.bundle.add(fixedCa().certificate());
    json base = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "paymesh-ca"}, {"namespace", "paymesh-system"}}}};
    return paymesh::ctrl::caSecretFor(base, v);
  }();
  return secret;
}

void exercise(const json& secret) {
  const std::string where = "mesh CA Secret paymesh-system/paymesh-ca";
  auto view = paymesh::ctrl::readCaSecret(secret, where, kNow);
  if (!view.isOk()) return;
  auto config = paymesh::ctrl::caRotationConfig(std::chrono::hours(48));
  std::vector<const json*> leaves{&secret};
  auto observed = paymesh::ctrl::observeCaRotation(*view, leaves, true, kNow);
  for (TimePoint at : {kNow, TimePoint::max(), TimePoint::min()}) {
    auto plan = paymesh::ctrl::planCaRotation(*view, config, observed, at,
                                              [] { return paymesh::pki::CertificateAuthority(fixedCa()); });
    if (!plan.isOk()) continue;
    auto again = paymesh::ctrl::readCaSecret(paymesh::ctrl::caSecretFor(secret, plan->next), where, kNow);
    (void)again;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  paymesh::fuzz::quietLogs();
  json secret = paymesh::fuzz::parseJson(data, size);
  if (!secret.is_discarded()) exercise(secret);
  json annotated = validSecret();
  annotated["metadata"]["annotations"][paymesh::ctrl::kCaRotationAnnotation] =
      std::string(reinterpret_cast<const char*>(data), size);
  exercise(annotated);
  return 0;
}
