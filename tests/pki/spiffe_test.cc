#include "pki/spiffe.h"

#include <gtest/gtest.h>

#include "pki/authority.h"
#include "pki/issue.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

TEST(SpiffeIdTest, BuildsTheKubernetesForm) {
  auto id = spiffeId("cluster.local", "payments", "settlement");
  ASSERT_TRUE(id.isOk());
  EXPECT_EQ(*id, "spiffe://cluster.local/ns/payments/sa/settlement");
  EXPECT_EQ(*spiffeId("prod.example.com", "default", "svc.with.dots"),
            "spiffe://prod.example.com/ns/default/sa/svc.with.dots");
}

TEST(SpiffeIdTest, BuilderRejectsBadParts) {
  struct Case {
    std::string td, ns, sa, expect;
  };
  std::vector<Case> cases = {
      {"", "ns", "sa", "trust domain is empty"},
      {"Cluster.Local", "ns", "sa", "lowercase"},
      {"td:8080", "ns", "sa", "no port"},
      {"user@td", "ns", "sa", "no port, no user info"},
      {"td", "", "sa", "namespace \"\" must be 1 to 63"},
      {"td", "Payments", "sa", "namespace"},
      {"td", "-ns", "sa", "must start and end"},
      {"td", std::string(64, 'a'), "sa", "1 to 63"},
      {"td", "ns", "", "service account"},
      {"td", "ns", "a..b", "DNS-1123 subdomain"},
      {"td", "ns", "sa/evil", "service account"},
  };
  for (const auto& c : cases) {
    auto r = spiffeId(c.td, c.ns, c.sa);
    ASSERT_FALSE(r.isOk()) << c.td << " " << c.ns << " " << c.sa;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

TEST(SpiffeIdTest, ParsesValidIds) {
  auto id = parseSpiffeId("spiffe://cluster.local/ns/payments/sa/settlement");
  ASSERT_TRUE(id.isOk());
  EXPECT_EQ(id->trust_domain, "cluster.local");
  EXPECT_EQ(id->path, "/ns/payments/sa/settlement");
  EXPECT_EQ(id->str(), "spiffe://cluster.local/ns/payments/sa/settlement");
  auto bare = parseSpiffeId("spiffe://example.org");
  ASSERT_TRUE(bare.isOk());
  EXPECT_EQ(bare->path, "");
  EXPECT_TRUE(parseSpiffeId("spiffe://example.org/Path_With-Mixed.Case").isOk());
}

TEST(SpiffeIdTest, ParseRejectsInvalidIds) {
  for (const char* bad :
       {"", "spiffe://", "SPIFFE://td/x", "https://td/x", "spiffe:///x", "spiffe://td/", "spiffe://td//x",
        "spiffe://td/./x", "spiffe://td/../x", "spiffe://td/x?q=1", "spiffe://td/x#f", "spiffe://TD/x",
        "spiffe://td:443/x", "spiffe://u@td/x", "spiffe://td/x%20y"}) {
    EXPECT_FALSE(parseSpiffeId(bad).isOk()) << bad;
  }
  EXPECT_FALSE(parseSpiffeId("spiffe://td/" + std::string(2100, 'a')).isOk());
}

class VerifyPeerSpiffeIdTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto ca = CertificateAuthority::create({}, testing::fixedNow());
    ASSERT_TRUE(ca.isOk());
    ca_.emplace(std::move(ca).value());
  }
  Certificate issue(std::vector<std::string> uris, std::vector<std::string> dns = {"x.ns.svc"}) {
    LeafSpec spec;
    spec.uris = std::move(uris);
    spec.dns_names = std::move(dns);
    auto issued = issueCertificate(*ca_, spec, testing::fixedNow());
    EXPECT_TRUE(issued.isOk()) << issued.status().toString();
    return issued->certificate;
  }
  std::optional<CertificateAuthority> ca_;
};

TEST_F(VerifyPeerSpiffeIdTest, AcceptsTheExpectedIdentity) {
  auto cert = issue({"spiffe://cluster.local/ns/payments/sa/settlement"});
  EXPECT_TRUE(verifyPeerSpiffeId(cert, "spiffe://cluster.local/ns/payments/sa/settlement").isOk());
}

TEST_F(VerifyPeerSpiffeIdTest, RefusesAnotherIdentity) {
  auto cert = issue({"spiffe://cluster.local/ns/payments/sa/clearing"});
  Status s = verifyPeerSpiffeId(cert, "spiffe://cluster.local/ns/payments/sa/settlement");
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_NE(s.message().find("sa/clearing\" is not the expected"), std::string::npos) << s.message();
  // Another trust domain with the same path is another identity.
  EXPECT_FALSE(verifyPeerSpiffeId(issue({"spiffe://other.domain/ns/payments/sa/settlement"}),
                                  "spiffe://cluster.local/ns/payments/sa/settlement")
                   .isOk());
}

TEST_F(VerifyPeerSpiffeIdTest, AcceptsAnyOfSeveralAllowed) {
  auto cert = issue({"spiffe://cluster.local/ns/payments/sa/refunds"});
  std::vector<std::string> allowed = {"spiffe://cluster.local/ns/payments/sa/payment",
                                      "spiffe://cluster.local/ns/payments/sa/refunds"};
  EXPECT_TRUE(verifyPeerSpiffeId(cert, allowed).isOk());
  allowed.pop_back();
  allowed.push_back("spiffe://cluster.local/ns/payments/sa/clearing");
  Status s = verifyPeerSpiffeId(cert, allowed);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_NE(s.message().find("is not one of the 2 allowed identities"), std::string::npos) << s.message();
  EXPECT_FALSE(verifyPeerSpiffeId(cert, std::vector<std::string>{}).isOk());
}

TEST_F(VerifyPeerSpiffeIdTest, RefusesNoneOrSeveralUris) {
  Status none = verifyPeerSpiffeId(issue({}), "spiffe://cluster.local/ns/a/sa/b");
  EXPECT_NE(none.message().find("no URI SAN"), std::string::npos);
  Status two = verifyPeerSpiffeId(issue({"spiffe://cluster.local/ns/a/sa/b", "spiffe://cluster.local/ns/a/sa/c"}),
                                  "spiffe://cluster.local/ns/a/sa/b");
  EXPECT_NE(two.message().find("exactly one"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::pki
