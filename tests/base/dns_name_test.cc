#include "base/dns_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace paymesh {
namespace {

TEST(DnsNameTest, LabelsAsKubernetesDefinesThem) {
  for (std::string ok : {"a", "settlement", "a-b", "0", "a0-9z"}) EXPECT_TRUE(isDns1123Label(ok)) << ok;
  EXPECT_TRUE(isDns1123Label(std::string(63, 'a')));
  for (const std::string& bad :
       std::vector<std::string>{"", "-a", "a-", "A", "a.b", "a_b", "a b", std::string(64, 'a')})
    EXPECT_FALSE(isDns1123Label(bad)) << bad;
}

TEST(DnsNameTest, SubdomainsAreLabelsJoinedByDots) {
  for (const char* ok : {"a", "paymesh.io", "svc.with.dots", "a-b.c-d"}) EXPECT_TRUE(isDns1123Subdomain(ok)) << ok;
  // "a..b" and a leading or trailing dot are rejected, as kube-apiserver does.
  for (const std::string& bad : std::vector<std::string>{"", "a..b", ".a", "a.", "A.b", "a.-b", std::string(254, 'a')})
    EXPECT_FALSE(isDns1123Subdomain(bad)) << bad;
  std::string long_ok =
      std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd');
  EXPECT_EQ(long_ok.size(), 253u);
  EXPECT_TRUE(isDns1123Subdomain(long_ok));
  // A subdomain's labels are not held to 63 characters, only the whole to 253.
  EXPECT_TRUE(isDns1123Subdomain(std::string(100, 'a') + ".b"));
}

TEST(DnsNameTest, ErrorsNameWhatAndTheValue) {
  EXPECT_TRUE(validateDnsLabel("namespace", "payments").isOk());
  auto upper = validateDnsLabel("namespace", "Payments");
  EXPECT_EQ(upper.code(), Code::kInvalidArgument);
  EXPECT_NE(upper.message().find("namespace \"Payments\" may hold only lowercase"), std::string::npos)
      << upper.message();
  EXPECT_NE(validateDnsLabel("service", "-x").message().find("must start and end"), std::string::npos);
  EXPECT_NE(validateDnsLabel("service", "").message().find("1 to 63 characters"), std::string::npos);
  auto sub = validateDnsSubdomain("service account", "a..b");
  EXPECT_NE(sub.message().find("service account \"a..b\" is not a DNS-1123 subdomain (label \"\")"), std::string::npos)
      << sub.message();
  // Hostile input stays one bounded, printable line.
  auto hostile = validateDnsLabel("name", std::string("x\ny") + std::string(200, 'z'));
  EXPECT_EQ(hostile.message().find('\n'), std::string::npos);
  EXPECT_LT(hostile.message().size(), 200u);
}

}  // namespace
}  // namespace paymesh
