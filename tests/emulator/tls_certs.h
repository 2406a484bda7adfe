#pragma once
// A throwaway certificate authority for the emulator's HTTPS mode and for test webhooks:
// an ECDSA P-256 CA, and leaf certificates it signs.

#include <string>
#include <vector>

namespace paymesh::emulator {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct TestCa {
  KeyPair ca;
  std::string error;  // non-empty when generation failed
};

TestCa generateCa(const std::string& common_name);

// A leaf signed by `ca`, valid for a day, for the given DNS names and IP addresses (server
// certificate) or for client authentication when both are empty.
KeyPair issueLeaf(const KeyPair& ca, const std::string& common_name, const std::vector<std::string>& dns_names,
                  const std::vector<std::string>& ips, std::string& error);

}  // namespace paymesh::emulator
