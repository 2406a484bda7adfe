#include "ring/ring_json.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace paymesh::ring {
namespace {

std::vector<Endpoint> pods(size_t n) {
  std::vector<Endpoint> out;
  for (size_t i = 0; i < n; ++i) out.push_back({"settlement-" + std::to_string(i), 1});
  return out;
}

Ring build(const RingSpec& spec, std::vector<Endpoint> eps) {
  auto r = Ring::build(spec, std::move(eps));
  EXPECT_TRUE(r.isOk()) << r.status().toString();
  return std::move(r).value();
}

RingSpec maglevSpec(uint64_t size = kDefaultTableSize) {
  RingSpec s;
  s.tableSize = size;
  return s;
}

RingSpec ringHashSpec(uint64_t min = kDefaultMinRingSize, HashFunction hf = HashFunction::kXxHash64) {
  RingSpec s;
  s.algorithm = Algorithm::kRingHash;
  s.minRingSize = min;
  s.hashFunction = hf;
  return s;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expectSameLookups(const Ring& a, const Ring& b) {
  EXPECT_EQ(a.spec(), b.spec());
  EXPECT_EQ(a.endpoints(), b.endpoints());
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t h = rng();
    EXPECT_EQ(a.lookupIndex(h), b.lookupIndex(h));
  }
}

TEST(RingJsonTest, RoundTripsBothAlgorithms) {
  for (const RingSpec& spec :
       {maglevSpec(), maglevSpec(7), ringHashSpec(), ringHashSpec(12, HashFunction::kMurmurHash2)}) {
    Ring ring = build(spec, {{"10.0.0.1:80", 1}, {"10.0.0.2:80", 2}, {"pod-c", 5}});
    const std::string text = toRingJson(ring);
    auto back = parseRingJson(text);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    expectSameLookups(ring, *back);
    EXPECT_EQ(toRingJson(*back), text);
  }
}

TEST(RingJsonTest, ByteIdenticalWhateverTheInputOrder) {
  auto eps = pods(300);
  for (size_t i = 0; i < eps.size(); i += 7) eps[i].weight = 3;
  for (const RingSpec& spec : {maglevSpec(), ringHashSpec()}) {
    const std::string a = toRingJson(build(spec, eps));
    auto shuffled = eps;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
    EXPECT_EQ(a, toRingJson(build(spec, shuffled)));
  }
}

// Golden file: the Envoy Basic Maglev case (six hosts, table 7). REFRESH_GOLDEN=1 rewrites it.
TEST(RingJsonTest, GoldenMaglevBasic) {
  std::vector<Endpoint> eps;
  for (int p = 90; p <= 95; ++p) eps.push_back({"127.0.0.1:" + std::to_string(p), 1});
  const std::string text = toRingJson(build(maglevSpec(7), eps));
  const std::string path = std::string(PAYMESH_SOURCE_DIR) + "/tests/testdata/ring/maglev_basic.json";
  if (std::getenv("REFRESH_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << text;
  EXPECT_EQ(text, readFile(path));
}

TEST(RingJsonTest, GoldenRingHashBasic) {
  std::vector<Endpoint> eps;
  for (int p = 90; p <= 95; ++p) eps.push_back({"127.0.0.1:" + std::to_string(p), 1});
  const std::string text = toRingJson(build(ringHashSpec(12), eps));
  const std::string path = std::string(PAYMESH_SOURCE_DIR) + "/tests/testdata/ring/ring_hash_basic.json";
  if (std::getenv("REFRESH_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << text;
  EXPECT_EQ(text, readFile(path));
}

// Sizes at 1,000 endpoints and default parameters; the numbers are in docs/ring-json.md.
TEST(RingJsonTest, FitsInAConfigMap) {
  for (size_t n : {10u, 100u, 1000u, 5000u}) {
    const size_t maglev = toRingJson(build(maglevSpec(), pods(n))).size();
    const size_t ring_hash = toRingJson(build(ringHashSpec(), pods(n))).size();
    std::printf("ring.json bytes, %zu endpoints: maglev M=65537 %zu, ring-hash default %zu\n", n, maglev, ring_hash);
    if (n <= 1000) {
      EXPECT_LT(maglev, 512u * 1024u);
      EXPECT_LT(ring_hash, 512u * 1024u);
    }
  }
}

TEST(RingJsonTest, ChecksumCoversTheTable) {
  Ring ring = build(maglevSpec(7), pods(3));
  auto doc = nlohmann::json::parse(toRingJson(ring));
  EXPECT_EQ(doc["checksum"], ringChecksum(ring));
  // A well-formed table (every slot to endpoint 0) that is not the one built.
  doc["table"]["slots"] = "AAAAAAAAAA==";
  auto r = parseRingJson(doc.dump());
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status().message();
}

// A file whose table was replaced and whose checksum was recomputed still fails: the
// parser rebuilds the ring and compares.
TEST(RingJsonTest, RejectsATableThatIsNotTheAlgorithmsOutput) {
  Ring ring = build(maglevSpec(7), pods(3));
  auto forged = MaglevTable::fromSlots(7, ring.endpoints(), {0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(forged.isOk());
  const std::string text = toRingJson(Ring(std::move(forged).value()));
  auto r = parseRingJson(text);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "table: differs from the one its endpoints and parameters give");
}

TEST(RingJsonTest, RejectsBrokenDocuments) {
  const std::string good = toRingJson(build(ringHashSpec(12), pods(3)));
  auto mutate = [&](auto fn) {
    auto doc = nlohmann::json::parse(good);
    fn(doc);
    return parseRingJson(doc.dump());
  };
  struct Case {
    const char* name;
    Result<Ring> result;
    const char* want;
  };
  std::vector<Case> cases;
  cases.push_back({"not json", parseRingJson("{\"kind\":"), "not valid JSON"});
  cases.push_back({"truncated", parseRingJson(good.substr(0, good.size() / 2)), "not valid JSON"});
  cases.push_back({"array", parseRingJson("[]"), "must be a JSON object"});
  cases.push_back({"kind", mutate([](auto& d) { d["kind"] = "Other"; }), "kind"});
  cases.push_back({"version", mutate([](auto& d) { d["version"] = 2; }), "unsupported ring.json version 2"});
  cases.push_back({"algorithm", mutate([](auto& d) { d["algorithm"] = "random"; }), "unknown ring algorithm"});
  cases.push_back({"no endpoints", mutate([](auto& d) { d["endpoints"] = nlohmann::json::array(); }), "endpoints"});
  cases.push_back({"weight", mutate([](auto& d) { d["endpoints"][0]["weight"] = 0; }), "endpoints[0].weight"});
  cases.push_back({"key type", mutate([](auto& d) { d["endpoints"][1]["key"] = 5; }), "endpoints[1].key"});
  cases.push_back({"dup", mutate([](auto& d) { d["endpoints"][1]["key"] = d["endpoints"][0]["key"]; }), "duplicate"});
  cases.push_back({"order", mutate([](auto& d) { std::swap(d["endpoints"][0], d["endpoints"][1]); }), "sorted"});
  cases.push_back({"width", mutate([](auto& d) { d["indexBytes"] = 2; }), "indexBytes"});
  cases.push_back({"base64", mutate([](auto& d) { d["ring"]["hashes"] = "!!!!"; }), "ring.hashes"});
  cases.push_back({"points", mutate([](auto& d) { d["ring"]["points"] = 11; }), "ring.points"});
  cases.push_back({"sizes", mutate([](auto& d) { d["minRingSize"] = 99999999; }), "minimum ring size"});
  cases.push_back({"missing", mutate([](auto& d) { d.erase("checksum"); }), "checksum: missing"});
  cases.push_back({"checksum", mutate([](auto& d) { d["checksum"] = "xxh64:0000000000000000"; }), "checksum"});
  for (const auto& c : cases) {
    ASSERT_FALSE(c.result.isOk()) << c.name;
    EXPECT_NE(c.result.status().message().find(c.want), std::string::npos)
        << c.name << ": " << c.result.status().message();
  }
}

}  // namespace
}  // namespace paymesh::ring
