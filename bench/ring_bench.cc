// Discovery ring build and lookup costs. Results and the command: docs/BENCHMARKS.md.

#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ring/hash.h"
#include "ring/ring.h"
#include "ring/ring_json.h"

namespace paymesh::ring {
namespace {

std::vector<Endpoint> pods(int64_t n) {
  std::vector<Endpoint> out;
  for (int64_t i = 0; i < n; ++i) out.push_back({"settlement-" + std::to_string(i), 1});
  return out;
}

RingSpec maglev(int64_t size) {
  RingSpec s;
  s.tableSize = static_cast<uint64_t>(size);
  return s;
}

// A ring hash of exactly `entries` points (minimum = maximum ring size).
RingSpec ringHash(int64_t entries) {
  RingSpec s;
  s.algorithm = Algorithm::kRingHash;
  s.minRingSize = s.maxRingSize = static_cast<uint64_t>(entries);
  return s;
}

Ring mustBuild(const RingSpec& spec, std::vector<Endpoint> eps) {
  auto r = Ring::build(spec, std::move(eps));
  if (!r) std::abort();
  return std::move(r).value();
}

std::vector<uint64_t> randomHashes() {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> out(4096);
  for (auto& h : out) h = rng();
  return out;
}

void BM_MaglevBuild(benchmark::State& state) {
  const auto eps = pods(state.range(1));
  const auto spec = maglev(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(Ring::build(spec, eps));
}

void BM_MaglevLookup(benchmark::State& state) {
  const Ring ring = mustBuild(maglev(state.range(0)), pods(state.range(1)));
  const auto hashes = randomHashes();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.lookupIndex(hashes[i++ & 4095]));
  }
}

void maglevArgs(benchmark::internal::Benchmark* b) {
  for (int64_t m : {65537, 655373}) {
    for (int64_t n : {10, 100, 1000, 5000}) b->Args({m, n});
  }
}

void BM_RingHashBuild(benchmark::State& state) {
  const auto eps = pods(state.range(1));
  const auto spec = ringHash(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(Ring::build(spec, eps));
}

void BM_RingHashLookup(benchmark::State& state) {
  const Ring ring = mustBuild(ringHash(state.range(0)), pods(state.range(1)));
  const auto hashes = randomHashes();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.lookupIndex(hashes[i++ & 4095]));
  }
}

void ringHashArgs(benchmark::internal::Benchmark* b) {
  for (int64_t entries : {1024, 65536}) {
    for (int64_t n : {10, 100, 1000}) b->Args({entries, n});
  }
}

// What `paymeshctl ring lookup pay-…` does per request: hash the payment id, then look up.
void BM_LookupPaymentId(benchmark::State& state) {
  const Ring ring = mustBuild(maglev(65537), pods(1000));
  std::vector<std::string> ids;
  for (int i = 0; i < 1024; ++i) ids.push_back("pay-" + std::to_string(1000000 + i * 7919));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ring.lookupKey(ids[i++ & 1023]));
}

void BM_RingJsonWrite(benchmark::State& state) {
  const Ring ring = mustBuild(state.range(0) == 0 ? maglev(65537) : ringHash(65536), pods(1000));
  for (auto _ : state) benchmark::DoNotOptimize(toRingJson(ring));
}

void BM_RingJsonParse(benchmark::State& state) {
  const std::string text = toRingJson(mustBuild(state.range(0) == 0 ? maglev(65537) : ringHash(65536), pods(1000)));
  for (auto _ : state) benchmark::DoNotOptimize(parseRingJson(text));
}

BENCHMARK(BM_MaglevBuild)->Apply(maglevArgs)->ArgNames({"M", "N"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MaglevLookup)->Apply(maglevArgs)->ArgNames({"M", "N"});
BENCHMARK(BM_RingHashBuild)->Apply(ringHashArgs)->ArgNames({"entries", "N"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RingHashLookup)->Apply(ringHashArgs)->ArgNames({"entries", "N"});
BENCHMARK(BM_LookupPaymentId);
BENCHMARK(BM_RingJsonWrite)->Arg(0)->Arg(1)->ArgName("ringhash")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RingJsonParse)->Arg(0)->Arg(1)->ArgName("ringhash")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace paymesh::ring

BENCHMARK_MAIN();
