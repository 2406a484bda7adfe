// paymeshctl cert issue: signs a workload (or any mesh) certificate with a CA directory
// made by 'paymeshctl ca init' or holding a CA managed elsewhere, writing the three
// files of a kubernetes.io/tls Secret: tls.crt, tls.key, ca.crt.

#include <chrono>
#include <cstdio>

#include "base/duration.h"
#include "cli/flags.h"
#include "paymeshctl/commands.h"
#include "paymeshctl/pki_files.h"
#include "pki/authority.h"
#include "pki/issue.h"
#include "pki/spiffe.h"
#include "pki/tls_secret.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctl {
namespace {

const CommandSpec& issueSpec() {
  static const CommandSpec kSpec = {
      "cert issue",
      "cert issue --ca DIR (--spiffe ID | --dns NAME...) --out DIR [FLAGS]",
      "Issues a certificate with a fresh key, signed by the CA in --ca, and writes the files\n"
      "of a kubernetes.io/tls Secret: DIR/tls.crt (leaf then chain, 0644), DIR/tls.key\n"
      "(PKCS#8, 0600) and DIR/ca.crt (the trust bundle, 0644). EKU serverAuth and clientAuth\n"
      "unless --server-only; notBefore is 5 minutes in the past for clock skew.",
      {
          {"ca", "", true, false, "DIR",
           "CA directory holding ca.crt (CA certificate first, then its chain) and ca.key"},
          {"spiffe", "", true, false, "ID", "SPIFFE ID for the URI SAN: spiffe://<trust domain>/ns/<ns>/sa/<sa>"},
          {"dns", "", true, true, "NAME", "DNS SAN, e.g. settlement.payments.svc"},
          {"duration", "", true, false, "DURATION", "validity, a Go duration (default 24h, at most 8784h)"},
          {"key-algorithm", "", true, false, "ALG", "ECDSAP256 (default), RSA2048 or RSA3072"},
          {"common-name", "", true, false, "NAME", "subject common name (default: none; the SANs identify)"},
          {"server-only", "", false, false, "", "serverAuth only (a serving certificate, e.g. the webhook's)"},
          {"trust", "", true, true, "FILE", "more CA certificates for ca.crt, e.g. the next CA during a rotation"},
          {"out", "o", true, false, "DIR", "directory to write tls.crt, tls.key and ca.crt into (created if missing)"},
          {"force", "", false, false, "", "overwrite existing output files"},
      },
      "",
  };
  return kSpec;
}

int fail(int code, const std::string& message) { return commandError(issueSpec(), code, message); }

int runIssue(const Args& args) {
  auto command = parseCommand(issueSpec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags* flags = &std::get<Flags>(command);
  auto ca_dir = flags->get("ca");
  auto out = flags->get("out");
  if (!ca_dir || ca_dir->empty()) return fail(2, "--ca DIR is required");
  if (!out || out->empty()) return fail(2, "--out DIR is required");

  pki::LeafSpec spec;
  if (auto id = flags->get("spiffe")) {
    auto parsed = pki::parseSpiffeId(*id);
    if (!parsed.isOk()) return fail(2, "--spiffe: " + parsed.status().message());
    spec.uris = {*id};
  }
  spec.dns_names = flags->all("dns");
  if (spec.uris.empty() && spec.dns_names.empty()) return fail(2, "give --spiffe ID and/or at least one --dns NAME");
  if (auto d = flags->get("duration")) {
    auto parsed = parseDuration(*d);
    if (!parsed.isOk()) return fail(2, "--duration: " + parsed.status().message());
    spec.duration = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  }
  if (auto alg = flags->get("key-algorithm")) {
    auto parsed = parseKeyAlgorithm(*alg);
    if (!parsed.isOk()) return fail(2, "--key-algorithm: " + parsed.status().message());
    spec.key_algorithm = *parsed;
  }
  spec.common_name = flags->getOr("common-name", "");
  if (flags->has("server-only")) spec.client_auth = false;
  if (Status s = pki::validateLeafSpec(spec); !s.isOk()) return fail(2, s.message());

  const std::string crt_path = *out + "/tls.crt";
  const std::string key_path = *out + "/tls.key";
  const std::string bundle_path = *out + "/ca.crt";
  if (Status s = refuseToOverwrite({key_path, crt_path, bundle_path}, flags->has("force")); !s.isOk()) {
    return fail(2, s.message());
  }

  auto ca_crt = readSmallFile(*ca_dir + "/ca.crt");
  if (!ca_crt.isOk()) return fail(2, ca_crt.status().message());
  auto ca_key = readSmallFile(*ca_dir + "/ca.key");
  if (!ca_key.isOk()) return fail(2, ca_key.status().message());
  auto now = std::chrono::system_clock::now();
  auto ca = pki::CertificateAuthority::load(*ca_crt, *ca_key, now);
  if (!ca.isOk()) return fail(1, *ca_dir + ": " + ca.status().message());

  // ca.crt: the roots of the CA file (the CA itself when it is a root), plus --trust.
  pki::TrustBundle bundle;
  auto ca_file_certs = pki::parsePemCertificates(*ca_crt);  // parsed fine by load() above
  if (ca_file_certs.isOk()) {
    for (const auto& c : ca_file_certs.value()) {
      if (c.isSelfSigned()) bundle.add(c);
    }
  }
  if (bundle.empty()) bundle.add(ca->certificate());
  for (const auto& path : flags->all("trust")) {
    auto text = readSmallFile(path);
    if (!text.isOk()) return fail(2, text.status().message());
    auto extra = pki::TrustBundle::fromPem(*text);
    if (!extra.isOk()) return fail(1, path + ": " + extra.status().message());
    for (const auto& c : extra->cas()) bundle.add(c);
  }

  auto issued = pki::issueCertificate(*ca, spec, now);
  if (!issued.isOk()) return fail(1, issued.status().message());
  auto content = pki::tlsSecretContent(*issued, bundle);
  if (!content.isOk()) return fail(1, content.status().message());
  for (const Status& s : {ensureDirectory(*out), writeFileAtomically(key_path, content->tls_key, kKeyFileMode),
                          writeFileAtomically(crt_path, content->tls_crt, kCertFileMode),
                          writeFileAtomically(bundle_path, content->ca_crt, kCertFileMode)}) {
    if (!s.isOk()) return fail(2, s.message());
  }
  const pki::Certificate& c = issued->certificate;
  std::string sans;
  for (const auto& u : c.uris()) sans += (sans.empty() ? "URI:" : ", URI:") + u;
  for (const auto& d : c.dnsNames()) sans += (sans.empty() ? "DNS:" : ", DNS:") + d;
  std::printf(
      "issued %s certificate serial %s\n  SANs %s\n  valid %s to %s\n  signed by \"%s\"\n"
      "  wrote %s (0644), %s (0600), %s (0644, %zu CA%s)\n",
      keyAlgorithmName(spec.key_algorithm), c.serialHex().c_str(), sans.c_str(), pki::formatTime(c.notBefore()).c_str(),
      pki::formatTime(c.notAfter()).c_str(), ca->certificate().subject().c_str(), crt_path.c_str(), key_path.c_str(),
      bundle_path.c_str(), bundle.cas().size(), bundle.cas().size() == 1 ? "" : "s");
  return 0;
}

int runCert(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fprintf(args.empty() ? stderr : stdout,
                 "Usage: paymeshctl cert SUBCOMMAND\n\nSubcommands:\n  issue  issue a certificate and key "
                 "signed by a CA directory\n\nRun 'paymeshctl cert issue --help' for its flags.\n");
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "issue") return runIssue(Args(args.begin() + 1, args.end()));
  return fail(2, "unknown subcommand \"" + args[0].substr(0, 64) + "\"; expected issue");
}

}  // namespace
}  // namespace paymesh::ctl

PAYMESH_CTL_COMMAND(cert, "cert", "issue a mesh certificate (tls.crt, tls.key, ca.crt) from a CA",
                    ::paymesh::ctl::runCert);
