#include "model/formats.h"

#include <gtest/gtest.h>

#include <string>

namespace paymesh::model {
namespace {

struct Case {
  Format format;
  std::string text;
  bool ok;
};

TEST(FormatsTest, AcceptsAndRejects) {
  const Case cases[] = {
      {Format::kDns1123Label, "settlement", true},
      {Format::kDns1123Label, "settlement-standby", true},
      {Format::kDns1123Label, "a", true},
      {Format::kDns1123Label, std::string(63, 'a'), true},
      {Format::kDns1123Label, std::string(64, 'a'), false},
      {Format::kDns1123Label, "Settlement", false},
      {Format::kDns1123Label, "-x", false},
      {Format::kDns1123Label, "x-", false},
      {Format::kDns1123Label, "a.b", false},
      {Format::kDns1123Label, "", false},
      {Format::kDns1123Subdomain, "paymesh.io", true},
      {Format::kDns1123Subdomain, "a..b", false},
      {Format::kDns1123Subdomain, std::string(64, 'a') + ".io", true},  // as Kubernetes: no 63 cap per label
      {Format::kDns1123Subdomain, "a.-b", false},
      {Format::kDns1123Subdomain, std::string(254, 'a'), false},
      {Format::kDuration, "1h30m", true},
      {Format::kDuration, "90", false},
      {Format::kHttpHeaderName, "x-payment-id", true},
      {Format::kHttpHeaderName, "X-Payment-Id", false},
      {Format::kHttpHeaderName, "x payment", false},
      {Format::kLabelKey, "app", true},
      {Format::kLabelKey, "app.kubernetes.io/name", true},
      {Format::kLabelKey, "Bad_Prefix/name", false},
      {Format::kLabelKey, "/name", false},
      {Format::kLabelValue, "", true},
      {Format::kLabelValue, "v1.2_3-x", true},
      {Format::kLabelValue, "-bad", false},
      {Format::kImage, "envoyproxy/envoy:v1.31.2", true},
      {Format::kImage, "bad image", false},
      {Format::kUrl, "https://idp.example.com", true},
      {Format::kUrl, "http://idp.internal:8080/realms/pay", true},
      {Format::kUrl, "idp.example.com", false},
      {Format::kUrl, "https://", false},
      {Format::kUrl, "https://user@idp.example.com", false},
      {Format::kUrl, "https://idp.example.com:8443/realms/pay", true},
      {Format::kUrl, "https://idp.example.com:abc/", false},
      {Format::kUrl, "https://idp.example.com:65536/", false},
      {Format::kUrl, "https://idp.example.com:0/", false},
      {Format::kHttpsUrl, "https://idp.example.com/.well-known/jwks.json", true},
      {Format::kHttpsUrl, "http://idp.example.com/jwks", false},
      {Format::kPathPrefix, "/", true},
      {Format::kPathPrefix, "/v1/payments", true},
      {Format::kPathPrefix, "v1", false},
      {Format::kPathPrefix, "/a?b", false},
      {Format::kClaimName, "sub", true},
      {Format::kClaimName, "realm.roles", true},
      {Format::kClaimName, "https:", true},
      {Format::kClaimName, "a..b", false},
      {Format::kClaimName, "", false},
      {Format::kQueryParam, "access_token", true},
      {Format::kQueryParam, "a b", false},
      {Format::kQuantity, "100m", true},
      {Format::kQuantity, "128Mi", true},
      {Format::kQuantity, "1.5", true},
      {Format::kQuantity, "2e3", true},
      {Format::kQuantity, "1 gig", false},
      {Format::kQuantity, "-1", false},
      {Format::kQuantity, "12MB", false},
  };
  for (const auto& c : cases) {
    auto r = checkFormat(c.format, c.text);
    EXPECT_EQ(!r.has_value(), c.ok) << static_cast<int>(c.format) << " \"" << c.text.substr(0, 70) << "\"";
  }
}

TEST(FormatsTest, MessageQuotesAndTruncatesTheValue) {
  auto r = checkFormat(Format::kDns1123Label, std::string(1 << 20, 'X'));
  ASSERT_TRUE(r.has_value());
  EXPECT_LT(r->size(), 300u);
  EXPECT_NE(r->find("RFC 1123 label"), std::string::npos);
}

TEST(FormatsTest, EveryFormatHasAPattern) {
  for (Format f : {Format::kDns1123Label, Format::kDns1123Subdomain, Format::kDuration, Format::kHttpHeaderName,
                   Format::kLabelKey, Format::kLabelValue, Format::kImage, Format::kQuantity}) {
    EXPECT_FALSE(formatPattern(f).empty());
  }
}

}  // namespace
}  // namespace paymesh::model
