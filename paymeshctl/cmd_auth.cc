// paymeshctl auth check: would the sidecar of a PaymentService let this request through,
// as far as end-user authentication (JWT) goes? The same rule choice as the renderer
// (model::decidingRule) and the checks jwt_authn makes, on manifests and a token.

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/access.h"
#include "auth/jwks.h"
#include "base/time_format.h"
#include "cli/flags.h"
#include "model/manifest.h"
#include "paymeshctl/commands.h"
#include "paymeshctl/pki_files.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctl {
namespace {

constexpr int kAccepted = 0;
constexpr int kRejected = 1;
constexpr int kUsage = 2;

const CommandSpec& checkSpec() {
  static const CommandSpec kSpec = {
      "auth check",
      "auth check --service NAME -f PATH... [--token TOKEN|@FILE|-] [--path PATH] [--port NAME] [FLAGS]",
      "Checks a request to a PaymentService as its sidecar would: which JWT rule decides it,\n"
      "then the token (signature, issuer, audience, expiry) for the rule's providers, then\n"
      "the required claims. Keys come from the ConfigMap or Secret a provider names, found\n"
      "in the manifests; a provider with a remote JWKS needs --jwks.",
      {
          {"service", "s", true, false, "NAME", "the PaymentService receiving the request"},
          {"file", "f", true, true, "PATH",
           "PaymentServices with the ConfigMaps/Secrets of their JWKS (file, directory or -)"},
          {"namespace", "n", true, false, "NS", "the service's namespace (needed when the name is ambiguous)"},
          {"token", "t", true, false, "TOKEN",
           "the JWT (a leading \"Bearer \" is dropped), @FILE to read it, - for stdin; none: a request without a "
           "token"},
          {"path", "", true, false, "PATH", "the request path", "/"},
          {"port", "", true, false, "NAME", "the port name (default: the first HTTP or GRPC port)"},
          {"jwks", "", true, true, "[PROVIDER=]FILE",
           "the JWKS of a provider whose keys are remote (PROVIDER= may be left out when only one is)"},
          {"now", "", true, false, "RFC3339", "check expiry at this time instead of now"},
      },
      "Output: the steps checked, one per line, then \"accepted\" or \"rejected: REASON\".\n"
      "Exit codes: 0 accepted, 1 rejected, 2 usage error or unreadable or invalid input.\n",
  };
  return kSpec;
}

// A usage error or input that cannot be used: exit 2, as 1 means "rejected".
int fail(const std::string& message) { return commandError(checkSpec(), kUsage, message); }

// The service named by --service (and --namespace) in the manifests.
struct Target {
  const model::PaymentService* service = nullptr;
  const policy::Namespace* space = nullptr;
};

Result<policy::ManifestInputs> readInputs(const std::vector<std::string>& paths) {
  std::vector<model::Manifest> manifests;
  for (const auto& path : paths) {
    auto ms = model::readManifests(path);
    if (!ms) return ms.status();
    for (auto& m : *ms) manifests.push_back(std::move(m));
  }
  auto inputs = policy::collectInputs(manifests);
  if (!inputs.errors.empty()) {
    std::string message;
    for (const auto& e : inputs.errors) {
      if (!message.empty()) message += "\n";
      message += e.file + ":" + std::to_string(e.line) + ": " + e.object + ": " + e.message;
    }
    return invalidArgument(message);
  }
  return inputs;
}

Result<Target> findService(const policy::ManifestInputs& inputs, const std::string& name,
                           const std::optional<std::string>& ns) {
  Target t;
  for (const auto& [n, space] : inputs.namespaces) {
    auto it = space.services.find(name);
    if (it == space.services.end() || (ns && n != *ns)) continue;
    if (t.service != nullptr) {
      return invalidArgument("PaymentService \"" + name + "\" is in several namespaces: give --namespace");
    }
    t = {&it->second, &space};
  }
  if (t.service == nullptr) return notFound("no PaymentService \"" + name + "\" in the input");
  return t;
}

Result<std::string> choosePort(const model::PaymentService& svc, const std::optional<std::string>& port) {
  std::string names;
  for (const auto& p : svc.spec.ports) {
    if (port ? p.name == *port : p.protocol != model::Protocol::kTcp) return p.name;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  const std::string id = svc.metadata.namespace_ + "/" + svc.metadata.name;
  if (!port) return invalidArgument(id + " has no HTTP or GRPC port: give --port");
  return invalidArgument(id + " has no port \"" + *port + "\" (ports: " + names + ")");
}

// --token: the text, @FILE or - (stdin), without surrounding whitespace or "Bearer ".
Result<std::optional<std::string>> readToken(const std::optional<std::string>& flag) {
  if (!flag) return std::optional<std::string>();
  std::string text = *flag;
  if (text == "-") {
    text.clear();
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), stdin)) > 0) text.append(buf, n);
  } else if (!text.empty() && text[0] == '@') {
    ASSIGN_OR_RETURN(text, readSmallFile(text.substr(1)));
  }
  const char* space = " \t\r\n";
  text.erase(0, text.find_first_not_of(space));
  text.erase(text.find_last_not_of(space) + 1);
  if (text.rfind("Bearer ", 0) == 0) text.erase(0, 7);
  if (text.empty()) return invalidArgument("--token: empty");
  return std::optional<std::string>(std::move(text));
}

const model::JwtProvider* findProvider(const model::PaymentService& svc, const std::string& name) {
  if (!svc.spec.jwt) return nullptr;
  for (const auto& p : svc.spec.jwt->providers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// --jwks values as provider name -> file, checked against the service's providers.
Result<std::map<std::string, std::string>> jwksFlags(const model::PaymentService& svc,
                                                     const std::vector<std::string>& values) {
  std::vector<std::string> remote;
  if (svc.spec.jwt) {
    for (const auto& p : svc.spec.jwt->providers) {
      if (p.jwks.kind == model::JwksSourceKind::kRemote) remote.push_back(p.name);
    }
  }
  std::map<std::string, std::string> files;
  for (const auto& v : values) {
    const size_t eq = v.find('=');
    std::string name, file = v;
    if (eq != std::string::npos && findProvider(svc, v.substr(0, eq)) != nullptr) {
      name = v.substr(0, eq);
      file = v.substr(eq + 1);
    } else if (remote.size() == 1) {
      name = remote[0];
    } else {
      return invalidArgument("--jwks " + v + ": the service has " + std::to_string(remote.size()) +
                             " providers with a remote JWKS; give --jwks PROVIDER=FILE");
    }
    const model::JwtProvider* p = findProvider(svc, name);
    if (p->jwks.kind != model::JwksSourceKind::kRemote) {
      return invalidArgument("--jwks " + v + ": provider " + name + " reads its keys from " +
                             model::toString(p->jwks.kind) + " " + p->jwks.name + ", not a remote JWKS");
    }
    if (files.count(name)) return invalidArgument("--jwks: provider " + name + " given twice");
    files[name] = file;
  }
  return files;
}

// The parsed JWKS of one provider: from --jwks, or its ConfigMap/Secret in the input.
Result<auth::Jwks> providerJwks(const model::JwtProvider& p, const policy::Namespace& space, const std::string& ns,
                                const std::map<std::string, std::string>& files) {
  std::string text, where;
  if (p.jwks.kind == model::JwksSourceKind::kRemote) {
    auto file = files.find(p.name);
    if (file == files.end()) {
      return failedPrecondition("provider " + p.name + " fetches its keys from " + p.jwks.uri +
                                "; give them with --jwks " + p.name + "=FILE");
    }
    ASSIGN_OR_RETURN(text, readSmallFile(file->second));
    where = file->second;
  } else {
    const bool secret = p.jwks.kind == model::JwksSourceKind::kSecret;
    const auto& objects = secret ? space.secrets : space.config_maps;
    where = std::string(model::toString(p.jwks.kind)) + " " + ns + "/" + p.jwks.name;
    auto object = objects.find(p.jwks.name);
    if (object == objects.end()) {
      return notFound(where + " (the JWKS of provider " + p.name + ") is not in the input");
    }
    ASSIGN_OR_RETURN(text, auth::jwksFromObject(object->second, p.jwks));
    where += " key " + p.jwks.key;
  }
  auto jwks = auth::parseJwks(text);
  if (!jwks) return jwks.status().withContext(where);
  return jwks;
}

Result<auth::TimePoint> readNow(const std::optional<std::string>& flag) {
  if (!flag) return std::chrono::system_clock::now();
  auto parsed = parseRfc3339(*flag);
  if (!parsed) return invalidArgument("--now: not an RFC 3339 time: " + *flag);
  return *parsed;
}

// The request to check, from the flags and the manifests they name.
struct Request {
  Target target;
  std::string port;
  std::string path;
  std::optional<std::string> token;
  auth::TimePoint now;
  auth::JwksByProvider jwks;  // of the providers the check needs
};

Result<auth::JwksByProvider> loadJwks(const Request& r, const std::map<std::string, std::string>& files) {
  const model::PaymentService& svc = *r.target.service;
  auth::JwksByProvider jwks;
  for (const auto& name : auth::providersToVerify(svc, r.port, r.path, r.token.has_value())) {
    const model::JwtProvider* p = findProvider(svc, name);
    if (p == nullptr) continue;  // checkAccess reports it
    ASSIGN_OR_RETURN(auth::Jwks keys, providerJwks(*p, *r.target.space, svc.metadata.namespace_, files));
    jwks.emplace(name, std::move(keys));
  }
  return jwks;
}

Result<Request> readRequest(const Flags& flags, const policy::ManifestInputs& inputs) {
  Request r;
  ASSIGN_OR_RETURN(r.target, findService(inputs, *flags.get("service"), flags.get("namespace")));
  ASSIGN_OR_RETURN(r.port, choosePort(*r.target.service, flags.get("port")));
  r.path = flags.value("path");
  ASSIGN_OR_RETURN(r.token, readToken(flags.get("token")));
  ASSIGN_OR_RETURN(r.now, readNow(flags.get("now")));
  ASSIGN_OR_RETURN(auto files, jwksFlags(*r.target.service, flags.all("jwks")));
  ASSIGN_OR_RETURN(r.jwks, loadJwks(r, files));
  return r;
}

int runCheck(const Args& args) {
  auto command = parseCommand(checkSpec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags& flags = std::get<Flags>(command);
  if (!flags.has("service")) return fail("--service NAME is required");
  if (!flags.has("file")) return fail("no input: give -f PATH");
  auto inputs = readInputs(flags.all("file"));
  if (!inputs) return fail(inputs.status().message());
  auto r = readRequest(flags, *inputs);
  if (!r) return fail(r.status().message());
  const auth::Verdict verdict = auth::checkAccess(*r->target.service, r->port, r->path, r->token, r->jwks, r->now);
  for (const auto& step : verdict.steps) std::printf("%s\n", step.c_str());
  if (verdict.accepted) {
    std::printf("accepted\n");
    return kAccepted;
  }
  std::printf("rejected: %s\n", verdict.reason.c_str());
  return kRejected;
}

int runAuth(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fprintf(args.empty() ? stderr : stdout,
                 "Usage: paymeshctl auth SUBCOMMAND\n\nSubcommands:\n  check   would the sidecar accept this request "
                 "and its token (JWT)?\n\nRun 'paymeshctl auth check --help' for its flags.\n");
    return args.empty() ? kUsage : 0;
  }
  if (args[0] == "check") return runCheck(Args(args.begin() + 1, args.end()));
  std::fprintf(stderr, "paymeshctl auth: unknown subcommand \"%s\"; expected check\n", args[0].substr(0, 64).c_str());
  return kUsage;
}

}  // namespace
}  // namespace paymesh::ctl

PAYMESH_CTL_COMMAND(auth, "auth", "end-user authentication: check a request's token as the sidecar would",
                    ::paymesh::ctl::runAuth);
