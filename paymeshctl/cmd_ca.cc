// paymeshctl ca init: creates the mesh's self-signed root CA as ca.crt + ca.key, for
// offline and GitOps use (the operator can load the same pair from a Secret).

#include <chrono>
#include <cstdio>

#include "base/duration.h"
#include "cli/flags.h"
#include "paymeshctl/commands.h"
#include "paymeshctl/pki_files.h"
#include "pki/authority.h"

namespace paymesh::ctl {
namespace {

const CommandSpec& initSpec() {
  static const CommandSpec kSpec = {
      "ca init",
      "ca init --out DIR [FLAGS]",
      "Creates a self-signed root CA for the mesh: DIR/ca.crt (mode 0644) and DIR/ca.key\n"
      "(PKCS#8, mode 0600). Existing files are never overwritten without --force.",
      {
          {"out", "o", true, false, "DIR", "directory to write ca.crt and ca.key into (created if missing)"},
          {"key-algorithm", "", true, false, "ALG", "ECDSAP256 (default), RSA2048 or RSA3072"},
          {"duration", "", true, false, "DURATION", "validity of the CA, a Go duration (default 87600h, 10 years)"},
          {"common-name", "", true, false, "NAME", "subject common name (default \"paymesh root CA\")"},
          {"force", "", false, false, "", "overwrite existing ca.crt / ca.key"},
      },
      "",
  };
  return kSpec;
}

int usage(const std::string& message) { return commandError(initSpec(), 2, message); }

int runInit(const Args& args) {
  auto command = parseCommand(initSpec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags* flags = &std::get<Flags>(command);
  auto out = flags->get("out");
  if (!out || out->empty()) return usage("--out DIR is required");

  pki::CaOptions options;
  if (auto alg = flags->get("key-algorithm")) {
    auto parsed = parseKeyAlgorithm(*alg);
    if (!parsed.isOk()) return usage("--key-algorithm: " + parsed.status().message());
    options.key_algorithm = *parsed;
  }
  if (auto d = flags->get("duration")) {
    auto parsed = parseDuration(*d);
    if (!parsed.isOk()) return usage("--duration: " + parsed.status().message());
    options.duration = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  }
  if (auto cn = flags->get("common-name")) options.common_name = *cn;

  std::string crt_path = *out + "/ca.crt";
  std::string key_path = *out + "/ca.key";
  if (Status s = refuseToOverwrite({key_path, crt_path}, flags->has("force")); !s.isOk()) return usage(s.message());

  auto ca = pki::CertificateAuthority::create(options, std::chrono::system_clock::now());
  if (!ca.isOk()) {
    std::fprintf(stderr, "paymeshctl ca init: %s\n", ca.status().message().c_str());
    return ca.status().code() == Code::kInvalidArgument ? 2 : 1;
  }
  auto key_pem = ca->key().toPkcs8Pem();
  if (!key_pem.isOk()) {
    std::fprintf(stderr, "paymeshctl ca init: %s\n", key_pem.status().message().c_str());
    return 1;
  }
  for (const Status& s : {ensureDirectory(*out), writeFileAtomically(key_path, *key_pem, kKeyFileMode),
                          writeFileAtomically(crt_path, ca->certificate().toPem(), kCertFileMode)}) {
    if (!s.isOk()) {
      std::fprintf(stderr, "paymeshctl ca init: %s\n", s.message().c_str());
      return 2;
    }
  }
  const pki::Certificate& c = ca->certificate();
  std::printf("created CA \"%s\" (%s)\n  valid %s to %s\n  sha256 fingerprint %s\n  wrote %s (0644) and %s (0600)\n",
              c.subject().c_str(), keyAlgorithmName(options.key_algorithm), pki::formatTime(c.notBefore()).c_str(),
              pki::formatTime(c.notAfter()).c_str(), ca->id().c_str(), crt_path.c_str(), key_path.c_str());
  return 0;
}

int runCa(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fprintf(args.empty() ? stderr : stdout,
                 "Usage: paymeshctl ca SUBCOMMAND\n\nSubcommands:\n  init   create a self-signed root CA "
                 "(ca.crt, ca.key)\n\nRun 'paymeshctl ca init --help' for its flags.\n");
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "init") return runInit(Args(args.begin() + 1, args.end()));
  return usage("unknown subcommand \"" + args[0].substr(0, 64) + "\"; expected init");
}

}  // namespace
}  // namespace paymesh::ctl

PAYMESH_CTL_COMMAND(ca, "ca", "certificate authority: init a self-signed mesh root", ::paymesh::ctl::runCa);
