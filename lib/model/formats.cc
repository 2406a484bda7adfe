#include "model/formats.h"

#include <map>
#include <mutex>
#include <regex>

#include "base/dns_name.h"
#include "base/duration.h"

namespace paymesh::model {
namespace {

bool lowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// Kubernetes "qualified name": [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?, at most 63.
bool isQualifiedName(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// Kubernetes' resource.Quantity, non-negative: a decimal number, then a binary (Ki..Ei),
// decimal (n, u, m, k, M..E) or exponent (e3, E-2) suffix. The CRD pattern is the same.
constexpr const char* kQuantityPattern =
    "^\\+?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

bool isQuantity(std::string_view s) {
  static const std::regex kQuantity(kQuantityPattern);
  return !s.empty() && s.size() <= 64 && std::regex_match(s.begin(), s.end(), kQuantity);
}

// A host name or IPv4 address and an optional port (1..65535), then an optional path, query or
// fragment: what the sidecar can dial (a JWKS URI) or an issuer compares as text.
constexpr const char* kUrlPattern =
    "^https?://"
    "[A-Za-z0-9.-]+(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/"
    "?#][^\\s]*)?$";
constexpr const char* kHttpsUrlPattern =
    "^https://"
    "[A-Za-z0-9.-]+(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/"
    "?#][^\\s]*)?$";
constexpr const char* kPathPrefixPattern = "^/[^\\s?#]*$";
constexpr const char* kClaimNamePattern = "^[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*$";
constexpr const char* kQueryParamPattern = "^[A-Za-z0-9._~-]+$";

bool matches(const char* pattern, std::string_view s, size_t max) {
  static std::map<const char*, std::regex> compiled;  // one per pattern, built on first use
  static std::mutex mu;
  const std::regex* re = nullptr;
  {
    std::lock_guard lock(mu);
    re = &compiled.try_emplace(pattern, pattern).first->second;
  }
  return !s.empty() && s.size() <= max && std::regex_match(s.begin(), s.end(), *re);
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out += s.substr(0, 64);
  if (s.size() > 64) out += "...";
  out += "\"";
  return out;
}

}  // namespace

std::optional<std::string> checkFormat(Format format, std::string_view text) {
  switch (format) {
    case Format::kNone: return std::nullopt;
    case Format::kDns1123Label:
      if (isDns1123Label(text)) return std::nullopt;
      return "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending with an "
             "alphanumeric, at most 63 characters), got " +
             quoted(text);
    case Format::kDns1123Subdomain:
      if (isDns1123Subdomain(text)) return std::nullopt;
      return "must be a lowercase RFC 1123 subdomain (labels of a-z, 0-9 and '-' joined by '.', at "
             "most 253 characters), got " +
             quoted(text);
    case Format::kDuration: {
      auto d = parseDuration(text);
      if (d.isOk()) return std::nullopt;
      return "must be a duration such as 500ms, 2s or 1h30m, got " + quoted(text);
    }
    case Format::kHttpHeaderName: {
      bool ok = !text.empty() && text.size() <= 256;
      for (char c : text) ok = ok && (lowerAlnum(c) || c == '-' || c == '_');
      if (ok) return std::nullopt;
      return "must be a lowercase HTTP header name (a-z, 0-9, '-' and '_'), got " + quoted(text);
    }
    case Format::kLabelKey: {
      size_t slash = text.find('/');
      bool ok = slash == std::string_view::npos
                    ? isQualifiedName(text)
                    : (isDns1123Subdomain(text.substr(0, slash)) && isQualifiedName(text.substr(slash + 1)));
      if (ok) return std::nullopt;
      return "must be a label key (an optional DNS subdomain prefix and '/', then a name of at most 63 "
             "characters), got " +
             quoted(text);
    }
    case Format::kLabelValue:
      if (text.empty() || isQualifiedName(text)) return std::nullopt;
      return "must be a label value (at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting "
             "and ending with an alphanumeric), got " +
             quoted(text);
    case Format::kImage: {
      bool ok = !text.empty() && text.size() <= 512;
      for (char c : text) ok = ok && c > ' ' && c < 127;
      if (ok) return std::nullopt;
      return "must be a container image reference without whitespace, got " + quoted(text);
    }
    case Format::kQuantity:
      if (isQuantity(text)) return std::nullopt;
      return "must be a resource quantity (a number with an optional suffix: 100m, 128Mi, 2G), got " + quoted(text);
    case Format::kUrl:
      if (matches(kUrlPattern, text, 2048)) return std::nullopt;
      return "must be an absolute http:// or https:// URL with a host (and a port from 1 to 65535), got " +
             quoted(text);
    case Format::kHttpsUrl:
      if (matches(kHttpsUrlPattern, text, 2048)) return std::nullopt;
      return "must be an absolute https:// URL with a host (and a port from 1 to 65535), got " + quoted(text);
    case Format::kPathPrefix:
      if (matches(kPathPrefixPattern, text, 1024)) return std::nullopt;
      return "must be a URL path starting with '/', without spaces, '?' or '#', got " + quoted(text);
    case Format::kClaimName:
      if (matches(kClaimNamePattern, text, 256)) return std::nullopt;
      return "must be a claim name (A-Z, a-z, 0-9, '_', ':' and '-', dots between nested names), got " + quoted(text);
    case Format::kQueryParam:
      if (matches(kQueryParamPattern, text, 256)) return std::nullopt;
      return "must be a query parameter name (A-Z, a-z, 0-9, '.', '_', '~' and '-'), got " + quoted(text);
  }
  return std::nullopt;
}

std::string formatPattern(Format format) {
  switch (format) {
    case Format::kNone: return "";
    case Format::kDns1123Label: return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    case Format::kDns1123Subdomain: return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    case Format::kDuration: return "^\\+?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$";
    case Format::kHttpHeaderName: return "^[a-z0-9_-]+$";
    case Format::kLabelKey:
      return "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/"
             ")?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";
    case Format::kLabelValue: return "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
    case Format::kImage: return "^[!-~]+$";
    case Format::kQuantity: return kQuantityPattern;
    case Format::kUrl: return kUrlPattern;
    case Format::kHttpsUrl: return kHttpsUrlPattern;
    case Format::kPathPrefix: return kPathPrefixPattern;
    case Format::kClaimName: return kClaimNamePattern;
    case Format::kQueryParam: return kQueryParamPattern;
  }
  return "";
}

size_t formatMaxLength(Format format) {
  switch (format) {
    case Format::kDns1123Label: return 63;
    case Format::kDns1123Subdomain: return 253;
    case Format::kDuration: return 64;
    case Format::kHttpHeaderName: return 256;
    case Format::kLabelKey: return 317;
    case Format::kLabelValue: return 63;
    case Format::kImage: return 512;
    case Format::kQuantity: return 64;
    case Format::kUrl:
    case Format::kHttpsUrl: return 2048;
    case Format::kPathPrefix: return 1024;
    case Format::kClaimName:
    case Format::kQueryParam: return 256;
    case Format::kNone: return 0;
  }
  return 0;
}

}  // namespace paymesh::model
