// paymeshctl ring: build, print and query discovery rings (Maglev / ring hash) exactly
// as the sidecar balances, from endpoints on the command line, a file, or a ring.json.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/manifest.h"
#include "policy/manifest_inputs.h"
#include "policy/service_ring.h"

#include "paymeshctl/commands.h"
#include "cli/flags.h"
#include "ring/endpoints_file.h"
#include "ring/hash.h"
#include "ring/ring.h"
#include "ring/ring_json.h"

namespace paymesh::ctl {
namespace {

constexpr int kOk = 0;
constexpr int kInvalid = 1;
constexpr int kUsage = 2;

const char* const kRingUsage =
    "Usage: paymeshctl ring SUBCOMMAND [FLAGS]\n\n"
    "Build and query the consistent-hash ring paymesh publishes for a service; it picks\n"
    "the same endpoint as the sidecar (Envoy MAGLEV / RING_HASH) for the same request.\n\n"
    "Subcommands:\n"
    "  build    print ring.json for the endpoints\n"
    "  table    print the Maglev table (SLOT KEY) or the ring points (HASH KEY), one per line\n"
    "  lookup   print the endpoint key that owns a request key (--key, or positional) or a hash\n\n"
    "Run 'paymeshctl ring SUBCOMMAND --help' for the flags.\n"
    "Exit codes: 0 success, 1 invalid content, 2 usage error or unreadable input.\n";

std::vector<FlagSpec> ringFlags(bool with_ring_file, bool with_lookup) {
  std::vector<FlagSpec> specs = {
      {"algorithm", "a", true, false, "NAME", "maglev (default) or ring-hash"},
      {"table-size", "", true, false, "N", "maglev table size, a prime up to 5000011 (default 65537)"},
      {"min-ring-size", "", true, false, "N", "ring-hash minimum_ring_size (default 1024)"},
      {"max-ring-size", "", true, false, "N", "ring-hash maximum_ring_size (default 8388608)"},
      {"hash-function", "", true, false, "NAME", "ring-hash point hash: xx (default) or murmur2"},
      {"endpoint", "e", true, true, "KEY[=WEIGHT]",
       "an endpoint: its hash key (pod name, or ip:port) and weight (default 1)"},
      {"endpoints-file", "", true, false, "PATH",
       "endpoints, one KEY[=WEIGHT] per line or a JSON list ('-' reads stdin)"},
  };
  if (with_ring_file) specs.push_back({"ring", "r", true, false, "PATH", "read the ring from a ring.json instead"});
  specs.push_back({"file", "f", true, true, "PATH",
                   "PaymentServices with their Pods/EndpointSlices: build the ring of --service as the operator does"});
  specs.push_back({"service", "s", true, false, "NAME", "with -f: the PaymentService whose ring to build"});
  specs.push_back({"namespace", "n", true, false, "NS", "with -f: its namespace (needed when the name is ambiguous)"});
  if (with_lookup) {
    specs.push_back({"key", "k", true, false, "STRING", "request key: the hashed header's value (x-payment-id)"});
    specs.push_back({"hash", "", true, false, "UINT64", "a raw 64-bit request hash instead of a key"});
  }
  specs.push_back({"help", "h", false, false, "", "show this help"});
  return specs;
}

// An error with the exit code it maps to.
struct Failure {
  int code;
  std::string message;
};

// Reads a whole file, or stdin for "-". stdio rather than iostreams: GCC 12 flags a
// null dereference inside istreambuf_iterator under -Wnull-dereference.
bool readInput(const std::string& path, std::string& out) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out.clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  const bool ok = std::ferror(f) == 0;
  if (f != stdin) std::fclose(f);
  return ok;
}

// The ring of a PaymentService over its ready pods, exactly as the operator publishes it.
std::variant<ring::Ring, Failure> ringFromManifests(const Flags& flags) {
  auto name = flags.get("service");
  if (!name) return Failure{kUsage, "-f needs --service NAME"};
  std::vector<model::Manifest> manifests;
  for (const auto& path : flags.all("file")) {
    auto ms = model::readManifests(path);
    if (!ms) return Failure{kUsage, ms.status().message()};
    for (auto& m : *ms) manifests.push_back(std::move(m));
  }
  auto inputs = policy::collectInputs(manifests);
  if (!inputs.errors.empty()) {
    const auto& e = inputs.errors.front();
    return Failure{kInvalid, e.file + ":" + std::to_string(e.line) + ": " + e.object + ": " + e.message};
  }
  const policy::Namespace* space = nullptr;
  std::string ns;
  for (const auto& [n, sp] : inputs.namespaces) {
    if (!sp.services.count(*name) || (flags.has("namespace") && n != *flags.get("namespace"))) continue;
    if (space != nullptr)
      return Failure{kUsage, "PaymentService \"" + *name + "\" is in several namespaces: give --namespace"};
    space = &sp;
    ns = n;
  }
  if (space == nullptr) return Failure{kInvalid, "no PaymentService \"" + *name + "\" in the input"};
  const auto& svc = space->services.at(*name);
  if (svc.spec.lb_policy != model::LbPolicy::kConsistentHash) {
    return Failure{kInvalid, ns + "/" + *name + " balances with " + model::toString(svc.spec.lb_policy) +
                                 ", not ConsistentHash: it has no ring"};
  }
  auto eps = space->endpoints.find(*name);
  auto built =
      policy::serviceRing(svc, eps == space->endpoints.end() ? std::vector<model::ServiceEndpoint>{} : eps->second);
  if (!built) return Failure{kInvalid, built.status().message()};
  if (!built->has_value()) return Failure{kInvalid, ns + "/" + *name + " has no ready endpoints"};
  return std::move(**built);
}

// The ring from --ring, or built from the spec and endpoint flags.
std::variant<ring::Ring, Failure> loadRing(const Flags& flags) {
  static const char* const kBuildFlags[] = {"algorithm",     "table-size", "min-ring-size", "max-ring-size",
                                            "hash-function", "endpoint",   "endpoints-file"};
  if (flags.has("file")) {
    for (const char* f : kBuildFlags) {
      if (flags.has(f)) return Failure{kUsage, std::string("-f and --") + f + " cannot be combined"};
    }
    if (flags.has("ring")) return Failure{kUsage, "-f and --ring cannot be combined"};
    return ringFromManifests(flags);
  }
  if (flags.has("service") || flags.has("namespace")) return Failure{kUsage, "--service and --namespace need -f"};
  if (auto path = flags.get("ring")) {
    for (const char* f : kBuildFlags) {
      if (flags.has(f)) return Failure{kUsage, std::string("--ring and --") + f + " cannot be combined"};
    }
    std::string text;
    if (!readInput(*path, text)) return Failure{kUsage, "cannot read " + *path + ": " + std::strerror(errno)};
    auto r = ring::parseRingJson(text);
    if (!r) return Failure{kInvalid, *path + ": " + r.status().message()};
    return std::move(r).value();
  }

  ring::RingSpec spec;
  if (auto a = flags.get("algorithm")) {
    auto parsed = ring::parseAlgorithm(*a);
    if (!parsed) return Failure{kUsage, "--algorithm: " + parsed.status().message()};
    spec.algorithm = *parsed;
  }
  const bool maglev = spec.algorithm == ring::Algorithm::kMaglev;
  for (const char* f : {"min-ring-size", "max-ring-size", "hash-function"}) {
    if (maglev && flags.has(f))
      return Failure{kUsage, std::string("--") + f + " applies to --algorithm ring-hash only"};
  }
  if (!maglev && flags.has("table-size")) return Failure{kUsage, "--table-size applies to --algorithm maglev only"};
  struct SizeFlag {
    const char* name;
    uint64_t* field;
    uint64_t min, max;
  };
  for (const SizeFlag& f : {SizeFlag{"table-size", &spec.tableSize, 2, ring::kMaxTableSize},
                            SizeFlag{"min-ring-size", &spec.minRingSize, 1, ring::kMaxRingSizeLimit},
                            SizeFlag{"max-ring-size", &spec.maxRingSize, 1, ring::kMaxRingSizeLimit}}) {
    if (auto v = flags.get(f.name)) {
      auto n = parseUintFlag(f.name, *v, f.min, f.max);
      if (!n) return Failure{kUsage, n.status().message()};
      *f.field = *n;
    }
  }
  if (auto h = flags.get("hash-function")) {
    auto parsed = ring::parseHashFunction(*h);
    if (!parsed) return Failure{kUsage, "--hash-function: " + parsed.status().message()};
    spec.hashFunction = *parsed;
  }

  std::vector<ring::Endpoint> endpoints;
  for (const auto& e : flags.all("endpoint")) {
    auto parsed = ring::parseEndpointSpec(e);
    if (!parsed) return Failure{kInvalid, "--endpoint: " + parsed.status().message()};
    endpoints.push_back(std::move(parsed).value());
  }
  if (auto path = flags.get("endpoints-file")) {
    std::string text;
    if (!readInput(*path, text)) return Failure{kUsage, "cannot read " + *path + ": " + std::strerror(errno)};
    auto parsed = ring::parseEndpointList(text);
    if (!parsed) return Failure{kInvalid, *path + ": " + parsed.status().message()};
    endpoints.insert(endpoints.end(), parsed->begin(), parsed->end());
  }
  if (endpoints.empty() && !flags.has("endpoints-file")) {
    return Failure{kUsage, "no endpoints: give --endpoint KEY[=WEIGHT] (repeatable), --endpoints-file or --ring"};
  }
  auto r = ring::Ring::build(spec, std::move(endpoints));
  if (!r) return Failure{kInvalid, r.status().message()};
  return std::move(r).value();
}

int fail(const std::string& sub, const Failure& f) {
  std::fprintf(stderr, "paymeshctl ring %s: %s\n", sub.c_str(), f.message.c_str());
  if (f.code == kUsage) std::fprintf(stderr, "Run 'paymeshctl ring %s --help' for usage.\n", sub.c_str());
  return f.code;
}

void writeAll(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

int runSubcommand(const std::string& sub, const Args& args) {
  const bool lookup = sub == "lookup";
  const auto specs = ringFlags(sub != "build", lookup);
  auto flags = Flags::parse(specs, args);
  if (!flags) return fail(sub, {kUsage, flags.status().message()});
  if (flags->has("help")) {
    const char* what = sub == "build"   ? "print ring.json for the endpoints"
                       : sub == "table" ? "print the Maglev table (SLOT KEY) or the ring points (HASH KEY)"
                                        : "print the endpoint key that owns a request key or hash";
    std::printf("Usage: paymeshctl ring %s [FLAGS]%s\n\n%s.\n\nFlags:\n%s", sub.c_str(), lookup ? " [KEY]" : "", what,
                flagsHelp(specs).c_str());
    if (lookup) {
      std::printf("\nThe key is hashed as the sidecar's header hash policy does (xxHash64 of the value).\n");
    }
    return kOk;
  }

  std::optional<uint64_t> hash;
  if (lookup) {
    const auto& pos = flags->positionals();
    const int given = (flags->has("key") ? 1 : 0) + (flags->has("hash") ? 1 : 0) + (pos.empty() ? 0 : 1);
    if (given != 1 || pos.size() > 1) {
      return fail(sub, {kUsage, "give exactly one request key: --key STRING, --hash UINT64 or one positional KEY"});
    }
    if (auto h = flags->get("hash")) {
      auto n = parseUintFlag("hash", *h, 0, UINT64_MAX);
      if (!n) return fail(sub, {kUsage, n.status().message()});
      hash = *n;
    } else {
      hash = ring::requestKeyHash(flags->has("key") ? *flags->get("key") : pos.front());
    }
  } else if (!flags->positionals().empty()) {
    return fail(sub, {kUsage, "unexpected argument \"" + flags->positionals().front().substr(0, 64) + "\""});
  }

  auto loaded = loadRing(*flags);
  if (auto* f = std::get_if<Failure>(&loaded)) return fail(sub, *f);
  const ring::Ring& r = std::get<ring::Ring>(loaded);

  if (sub == "build") {
    writeAll(ring::toRingJson(r));
  } else if (sub == "table") {
    std::string out;
    const auto& eps = r.endpoints();
    if (const auto* m = r.maglev()) {
      for (size_t i = 0; i < m->slots().size(); ++i) {
        out += std::to_string(i) + " " + eps[m->slots()[i]].key + "\n";
      }
    } else if (const auto* rh = r.ringHash()) {
      for (size_t i = 0; i < rh->hashes().size(); ++i) {
        out += std::to_string(rh->hashes()[i]) + " " + eps[rh->owners()[i]].key + "\n";
      }
    }
    writeAll(out);
  } else {
    writeAll(r.lookup(*hash).key + "\n");
  }
  return kOk;
}

int runRing(const Args& args) {
  if (args.empty()) {
    std::fputs(kRingUsage, stderr);
    return kUsage;
  }
  const std::string& sub = args.front();
  if (sub == "-h" || sub == "--help" || sub == "help") {
    std::fputs(kRingUsage, stdout);
    return kOk;
  }
  if (sub != "build" && sub != "table" && sub != "lookup") {
    std::fprintf(stderr, "paymeshctl ring: unknown subcommand \"%s\" (want build, table or lookup)\n",
                 sub.substr(0, 64).c_str());
    return kUsage;
  }
  return runSubcommand(sub, Args(args.begin() + 1, args.end()));
}

}  // namespace
}  // namespace paymesh::ctl

PAYMESH_CTL_COMMAND(ring, "ring", "build, print and query discovery rings (Maglev, ring hash)",
                    ::paymesh::ctl::runRing);
