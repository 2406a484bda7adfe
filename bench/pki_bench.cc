// Certificate issuance throughput. The figure that matters is BM_IssueWorkloadEcdsaP256:
// a fresh P-256 key plus a signed workload certificate, what the operator does per pod
// identity on renewal. scripts/bench-pki.sh runs it next to `openssl speed ecdsap256`.

#include <benchmark/benchmark.h>

#include <openssl/evp.h>

#include <chrono>

#include "pki/authority.h"
#include "pki/issue.h"
#include "pki/tls_secret.h"
#include "pki/trust_bundle.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = std::chrono::system_clock::from_time_t(1780272000);

const CertificateAuthority& benchCa() {
  static const CertificateAuthority ca = *CertificateAuthority::create({}, kNow);
  return ca;
}

const LeafSpec& benchSpec() {
  static const LeafSpec spec =
      *workloadLeafSpec({"cluster.local", "payments", "settlement", "settlement"}, 24h, KeyAlgorithm::kEcdsaP256);
  return spec;
}

void BM_IssueWorkloadEcdsaP256(benchmark::State& state) {
  const auto& ca = benchCa();
  const auto& spec = benchSpec();
  for (auto _ : state) {
    auto issued = issueCertificate(ca, spec, kNow);
    if (!issued.isOk()) state.SkipWithError(issued.status().message().c_str());
    benchmark::DoNotOptimize(issued);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueWorkloadEcdsaP256);

void BM_KeyGenEcdsaP256(benchmark::State& state) {
  for (auto _ : state) {
    auto key = PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
    benchmark::DoNotOptimize(key);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyGenEcdsaP256);

// Building and signing the certificate alone, with a key made once.
void BM_SignWorkloadEcdsaP256(benchmark::State& state) {
  const auto& ca = benchCa();
  const auto& spec = benchSpec();
  PrivateKey key = *PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  for (auto _ : state) {
    auto issued = signCertificate(ca, spec, key, kNow);
    benchmark::DoNotOptimize(issued);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignWorkloadEcdsaP256);

// One bare ECDSA P-256 signature over a SHA-256 digest: the floor under signing.
void BM_RawEcdsaP256Sign(benchmark::State& state) {
  PrivateKey key = *PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  unsigned char msg[32] = {1};
  unsigned char sig[80];
  for (auto _ : state) {
    size_t len = sizeof(sig);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx, sig, &len, msg, sizeof(msg));
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawEcdsaP256Sign);

void BM_IssueWorkloadRsa2048(benchmark::State& state) {
  const auto& ca = benchCa();
  LeafSpec spec = benchSpec();
  spec.key_algorithm = KeyAlgorithm::kRsa2048;
  for (auto _ : state) {
    auto issued = issueCertificate(ca, spec, kNow);
    benchmark::DoNotOptimize(issued);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueWorkloadRsa2048)->Unit(benchmark::kMillisecond);

void BM_VerifyWorkloadChain(benchmark::State& state) {
  auto issued = *issueCertificate(benchCa(), benchSpec(), kNow);
  TrustBundle bundle({benchCa().certificate()});
  for (auto _ : state) {
    Status s = bundle.verify(issued.certificate, {}, kNow);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyWorkloadChain);

void BM_TlsSecretRoundTrip(benchmark::State& state) {
  auto issued = *issueCertificate(benchCa(), benchSpec(), kNow);
  TrustBundle bundle({benchCa().certificate()});
  for (auto _ : state) {
    auto data = tlsSecretData(*tlsSecretContent(issued, bundle));
    auto back = readTlsSecret(data);
    benchmark::DoNotOptimize(back);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TlsSecretRoundTrip);

}  // namespace
}  // namespace paymesh::pki

BENCHMARK_MAIN();
