#include "base/dns_name.h"

#include <optional>

#include "base/quote.h"

namespace paymesh {

namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?, of any length.
bool hasLabelShape(std::string_view s) {
  if (s.empty() || !isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  for (char c : s)
    if (!isLowerAlnum(c) && c != '-') return false;
  return true;
}

// The first dot-separated label of `s` without the label shape (an empty one too: "a..b"
// is not a subdomain), or nullopt. As in kube-apiserver, a subdomain's labels are not held
// to a label's 63 characters; only the whole is limited (253).
std::optional<std::string_view> badLabel(std::string_view s) {
  for (size_t start = 0;;) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!hasLabelShape(label)) return label;
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

}  // namespace

bool isDns1123Label(std::string_view s) { return s.size() <= kDns1123LabelMaxLength && hasLabelShape(s); }

bool isDns1123Subdomain(std::string_view s) {
  return !s.empty() && s.size() <= kDns1123SubdomainMaxLength && !badLabel(s);
}

Status validateDnsLabel(std::string_view what, std::string_view v) {
  std::string name = std::string(what) + " " + quoteUntrusted(v);
  if (v.empty() || v.size() > kDns1123LabelMaxLength) return invalidArgument(name + " must be 1 to 63 characters");
  for (char c : v) {
    if (!isLowerAlnum(c) && c != '-')
      return invalidArgument(name + " may hold only lowercase letters, digits and '-' (a DNS-1123 label)");
  }
  if (!isDns1123Label(v)) return invalidArgument(name + " must start and end with a letter or digit");
  return Status::ok();
}

Status validateDnsSubdomain(std::string_view what, std::string_view v) {
  std::string name = std::string(what) + " " + quoteUntrusted(v);
  if (v.empty() || v.size() > kDns1123SubdomainMaxLength) return invalidArgument(name + " must be 1 to 253 characters");
  if (auto label = badLabel(v))
    return invalidArgument(name + " is not a DNS-1123 subdomain (label " + quoteUntrusted(*label) + ")");
  return Status::ok();
}

}  // namespace paymesh
