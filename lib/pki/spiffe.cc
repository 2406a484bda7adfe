#include "pki/spiffe.h"

namespace paymesh::pki {
namespace {

constexpr size_t kMaxSpiffeIdBytes = 2048;

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isPathChar(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_'; }

// Quotes untrusted text for an error message: bounded and printable.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out + "\"";
}

}  // namespace

Status validateTrustDomain(std::string_view td) {
  if (td.empty()) return invalidArgument("trust domain is empty");
  if (td.size() > 255) return invalidArgument("trust domain is longer than 255 characters");
  for (char c : td) {
    if (!isLowerAlnum(c) && c != '.' && c != '-' && c != '_') {
      return invalidArgument("trust domain " + quote(td) +
                             " may hold only lowercase letters, digits, '.', '-' and '_' (no port, no user info)");
    }
  }
  return Status::ok();
}

Status validateDnsLabel(std::string_view what, std::string_view v) {
  if (v.empty() || v.size() > 63) {
    return invalidArgument(std::string(what) + " " + quote(v) + " must be 1 to 63 characters");
  }
  for (char c : v) {
    if (!isLowerAlnum(c) && c != '-') {
      return invalidArgument(std::string(what) + " " + quote(v) +
                             " may hold only lowercase letters, digits and '-' (a DNS-1123 label)");
    }
  }
  if (v.front() == '-' || v.back() == '-') {
    return invalidArgument(std::string(what) + " " + quote(v) + " must start and end with a letter or digit");
  }
  return Status::ok();
}

Status validateDnsSubdomain(std::string_view what, std::string_view v) {
  if (v.empty() || v.size() > 253) {
    return invalidArgument(std::string(what) + " " + quote(v) + " must be 1 to 253 characters");
  }
  size_t start = 0;
  while (true) {
    size_t dot = v.find('.', start);
    std::string_view label = v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (auto s = validateDnsLabel(what, label); !s.isOk()) {
      return invalidArgument(std::string(what) + " " + quote(v) + " is not a DNS-1123 subdomain (label " +
                             quote(label) + ")");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::ok();
}

Result<std::string> spiffeId(std::string_view trust_domain, std::string_view ns, std::string_view service_account) {
  RETURN_IF_ERROR(validateTrustDomain(trust_domain));
  RETURN_IF_ERROR(validateDnsLabel("namespace", ns));
  RETURN_IF_ERROR(validateDnsSubdomain("service account", service_account));
  std::string id =
      "spiffe://" + std::string(trust_domain) + "/ns/" + std::string(ns) + "/sa/" + std::string(service_account);
  if (id.size() > kMaxSpiffeIdBytes) return invalidArgument("SPIFFE ID is longer than 2048 bytes");
  return id;
}

Result<SpiffeId> parseSpiffeId(std::string_view id) {
  constexpr std::string_view kScheme = "spiffe://";
  if (id.size() > kMaxSpiffeIdBytes) return invalidArgument("SPIFFE ID is longer than 2048 bytes");
  if (id.substr(0, kScheme.size()) != kScheme) {
    return invalidArgument("SPIFFE ID " + quote(id) + " must start with \"spiffe://\" (lowercase)");
  }
  std::string_view rest = id.substr(kScheme.size());
  size_t slash = rest.find('/');
  SpiffeId out;
  out.trust_domain = std::string(rest.substr(0, slash));
  if (auto s = validateTrustDomain(out.trust_domain); !s.isOk()) {
    return s.withContext("SPIFFE ID " + quote(id));
  }
  if (slash == std::string_view::npos) return out;
  std::string_view path = rest.substr(slash);
  // Path: "/"-separated non-empty segments of [A-Za-z0-9._-], no "." or "..", no
  // trailing slash, no query or fragment.
  size_t start = 1;
  while (true) {
    size_t next = path.find('/', start);
    std::string_view seg = path.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
    if (seg.empty()) return invalidArgument("SPIFFE ID " + quote(id) + " has an empty path segment or a trailing '/'");
    if (seg == "." || seg == "..") return invalidArgument("SPIFFE ID " + quote(id) + " has a '.' or '..' path segment");
    for (char c : seg) {
      if (!isPathChar(c)) {
        return invalidArgument("SPIFFE ID " + quote(id) +
                               " path may hold only letters, digits, '.', '-', '_' and '/' separators");
      }
    }
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  out.path = std::string(path);
  return out;
}

namespace {

// The URI SAN of a peer certificate, when it is exactly one valid SPIFFE ID.
Result<std::string> peerSpiffeId(const Certificate& peer) {
  std::vector<std::string> uris = peer.uris();
  if (uris.empty()) return Status{Code::kPermissionDenied, "peer certificate has no URI SAN (no SPIFFE ID)"};
  if (uris.size() > 1) {
    return Status{Code::kPermissionDenied, "peer certificate has " + std::to_string(uris.size()) +
                                               " URI SANs; an X.509-SVID carries exactly one"};
  }
  if (auto parsed = parseSpiffeId(uris.front()); !parsed.isOk()) {
    return Status{Code::kPermissionDenied, "peer URI SAN is not a valid SPIFFE ID: " + parsed.status().message()};
  }
  return uris.front();
}

}  // namespace

Status verifyPeerSpiffeId(const Certificate& peer, std::string_view expected) {
  ASSIGN_OR_RETURN(std::string id, peerSpiffeId(peer));
  if (id != expected) {
    return {Code::kPermissionDenied, "peer SPIFFE ID " + quote(id) + " is not the expected " + quote(expected)};
  }
  return Status::ok();
}

Status verifyPeerSpiffeId(const Certificate& peer, const std::vector<std::string>& allowed) {
  if (allowed.size() == 1) return verifyPeerSpiffeId(peer, allowed.front());
  ASSIGN_OR_RETURN(std::string id, peerSpiffeId(peer));
  for (const auto& a : allowed) {
    if (id == a) return Status::ok();
  }
  return {Code::kPermissionDenied, "peer SPIFFE ID " + quote(id) + " is not one of the " +
                                       std::to_string(allowed.size()) + " allowed identities"};
}

}  // namespace paymesh::pki
