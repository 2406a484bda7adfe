#include "pki/spiffe.h"

#include "base/dns_name.h"
#include "base/quote.h"

namespace paymesh::pki {
namespace {

constexpr size_t kMaxSpiffeIdBytes = 2048;

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isPathChar(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_'; }

}  // namespace

Status validateTrustDomain(std::string_view td) {
  if (td.empty()) return invalidArgument("trust domain is empty");
  if (td.size() > 255) return invalidArgument("trust domain is longer than 255 characters");
  for (char c : td) {
    if (!isLowerAlnum(c) && c != '.' && c != '-' && c != '_') {
      return invalidArgument("trust domain " + quoteUntrusted(td) +
                             " may hold only lowercase letters, digits, '.', '-' and '_' (no port, no user info)");
    }
  }
  return Status::ok();
}

std::string workloadSpiffeId(std::string_view trust_domain, std::string_view ns, std::string_view service_account) {
  return std::string(kSpiffeScheme) + std::string(trust_domain) + "/ns/" + std::string(ns) + "/sa/" +
         std::string(service_account);
}

std::string trustDomainPrefix(std::string_view trust_domain) {
  return std::string(kSpiffeScheme) + std::string(trust_domain) + "/";
}

Result<std::string> spiffeId(std::string_view trust_domain, std::string_view ns, std::string_view service_account) {
  RETURN_IF_ERROR(validateTrustDomain(trust_domain));
  RETURN_IF_ERROR(validateDnsLabel("namespace", ns));
  RETURN_IF_ERROR(validateDnsSubdomain("service account", service_account));
  std::string id = workloadSpiffeId(trust_domain, ns, service_account);
  if (id.size() > kMaxSpiffeIdBytes) return invalidArgument("SPIFFE ID is longer than 2048 bytes");
  return id;
}

Result<SpiffeId> parseSpiffeId(std::string_view id) {
  if (id.size() > kMaxSpiffeIdBytes) return invalidArgument("SPIFFE ID is longer than 2048 bytes");
  if (id.substr(0, kSpiffeScheme.size()) != kSpiffeScheme) {
    return invalidArgument("SPIFFE ID " + quoteUntrusted(id) + " must start with \"spiffe://\" (lowercase)");
  }
  std::string_view rest = id.substr(kSpiffeScheme.size());
  size_t slash = rest.find('/');
  SpiffeId out;
  out.trust_domain = std::string(rest.substr(0, slash));
  if (auto s = validateTrustDomain(out.trust_domain); !s.isOk()) {
    return s.withContext("SPIFFE ID " + quoteUntrusted(id));
  }
  if (slash == std::string_view::npos) return out;
  std::string_view path = rest.substr(slash);
  // Path: "/"-separated non-empty segments of [A-Za-z0-9._-], no "." or "..", no
  // trailing slash, no query or fragment.
  size_t start = 1;
  while (true) {
    size_t next = path.find('/', start);
    std::string_view seg = path.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
    if (seg.empty())
      return invalidArgument("SPIFFE ID " + quoteUntrusted(id) + " has an empty path segment or a trailing '/'");
    if (seg == "." || seg == "..")
      return invalidArgument("SPIFFE ID " + quoteUntrusted(id) + " has a '.' or '..' path segment");
    for (char c : seg) {
      if (!isPathChar(c)) {
        return invalidArgument("SPIFFE ID " + quoteUntrusted(id) +
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
    return {Code::kPermissionDenied,
            "peer SPIFFE ID " + quoteUntrusted(id) + " is not the expected " + quoteUntrusted(expected)};
  }
  return Status::ok();
}

Status verifyPeerSpiffeId(const Certificate& peer, const std::vector<std::string>& allowed) {
  if (allowed.size() == 1) return verifyPeerSpiffeId(peer, allowed.front());
  ASSIGN_OR_RETURN(std::string id, peerSpiffeId(peer));
  for (const auto& a : allowed) {
    if (id == a) return Status::ok();
  }
  return {Code::kPermissionDenied, "peer SPIFFE ID " + quoteUntrusted(id) + " is not one of the " +
                                       std::to_string(allowed.size()) + " allowed identities"};
}

}  // namespace paymesh::pki
