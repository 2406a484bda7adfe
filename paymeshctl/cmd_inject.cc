// paymeshctl inject: offline sidecar injection of workload manifests for GitOps, with the
// same core as the webhook (lib/inject), so a manifest injected here and a pod injected
// at admission come out the same.

#include <cstdio>

#include "inject/workload.h"
#include "model/manifest.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "paymeshctl/commands.h"
#include "yaml/yaml.h"

namespace paymesh::ctl {
namespace {

using nlohmann::json;

const CommandSpec& spec() {
  static const CommandSpec kSpec = {
      "inject",
      "inject -f PATH [-f PATH...] --services PATH [--services PATH...] [--mesh-config FILE] [--output-patch]",
      "Inject the paymesh sidecar into workload manifests: Pods, and the pod templates of\n"
      "Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, and the items of\n"
      "Lists. Each pod gets the sidecar of the PaymentService (from --services) that selects\n"
      "it, exactly as the webhook would inject it. Other documents pass through untouched.",
      {
          {"file", "f", true, true, "PATH", "file or directory of manifests to inject; - reads standard input"},
          {"services", "", true, true, "PATH", "file or directory holding the PaymentServices"},
          {"mesh-config", "", true, false, "FILE", "mesh configuration (default: built-in defaults)"},
          {"output-patch", "", false, false, "", "print each document's JSON Patch (RFC 6902) instead"},
      },
      "Output: the documents as multi-document YAML, in the order read (with --output-patch,\n"
      "one JSON Patch per document, [] for a document left as it was). Notes go to stderr.\n"
      "A pod that would be refused at admission fails the command and nothing is printed.\n"
      "Exit codes: 0 done, 1 a pod refused or a manifest invalid, 2 usage error or unreadable input.\n",
      true,
  };
  return kSpec;
}

// PaymentServices of every --services path, by namespace.
Result<inject::ServicesByNamespace> readServices(const std::vector<std::string>& paths) {
  inject::ServicesByNamespace out;
  for (const auto& path : paths) {
    ASSIGN_OR_RETURN(auto manifests, model::readManifests(path));
    for (const auto& m : manifests) {
      if (m.kind() != model::kKind) continue;
      inject::ServiceEntry entry = inject::serviceEntry(m.doc.value);
      std::string ns = m.namespaceOr("default");
      if (!entry.error.empty()) entry.error = m.file + ":" + std::to_string(m.doc.line) + ": " + entry.error;
      out[ns].push_back(std::move(entry));
    }
  }
  return out;
}

std::string describe(const model::Manifest& m, const std::string& position) {
  std::string kind = m.kind().empty() ? "document" : m.kind();
  std::string name = m.name().empty() ? "<unnamed>" : m.name();
  std::string out =
      m.file + ":" + std::to_string(m.doc.line) + ": " + kind + " " + m.namespaceOr("default") + "/" + name;
  return position.empty() ? out : out + " " + position;
}

int run(const Args& args) {
  auto command = parseCommand(spec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags& flags = std::get<Flags>(command);
  std::vector<std::string> paths = flags.all("file");
  for (const auto& p : flags.positionals()) paths.push_back(p);
  if (paths.empty()) return commandError(spec(), 2, "no input: give -f PATH");
  if (flags.all("services").empty()) return commandError(spec(), 2, "no PaymentServices: give --services PATH");

  model::MeshConfig mesh = *model::parseMeshConfig(json::object()).config;
  if (auto file = flags.get("mesh-config")) {
    auto loaded = model::loadMeshConfig(*file);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      return loaded.status().code() == Code::kNotFound ? 2 : 1;
    }
    mesh = std::move(*loaded);
  }
  auto services = readServices(flags.all("services"));
  if (!services.isOk()) {
    std::fprintf(stderr, "%s\n", services.status().message().c_str());
    return 2;
  }

  std::string out;
  bool refused = false;
  for (const auto& path : paths) {
    auto manifests = model::readManifests(path, /*expand_lists=*/false);
    if (!manifests.isOk()) {
      std::fprintf(stderr, "%s\n", manifests.status().message().c_str());
      return 2;
    }
    for (const auto& m : *manifests) {
      inject::WorkloadOutcome w = inject::injectWorkload(m.doc.value, *services, mesh);
      for (const auto& [position, o] : w.pods) {
        if (o.verdict == inject::Verdict::kRefuse) {
          std::fprintf(stderr, "%s: refused: %s\n", describe(m, position).c_str(), o.message.c_str());
          refused = true;
        } else if (o.verdict == inject::Verdict::kSkip) {
          std::fprintf(stderr, "%s: note: not injected: %s\n", describe(m, position).c_str(), o.message.c_str());
        }
        for (const auto& warning : o.warnings)
          if (o.verdict == inject::Verdict::kInject)
            std::fprintf(stderr, "%s: warning: %s\n", describe(m, position).c_str(), warning.c_str());
      }
      if (!out.empty()) out += "---\n";
      out += flags.has("output-patch") ? w.patch.dump() + "\n" : yaml::toYaml(w.object);
    }
  }
  if (refused) return 1;  // nothing on stdout: a pipe into kubectl apply must not get a half-injected set
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

PAYMESH_CTL_COMMAND(inject, "inject", "inject the sidecar into workload manifests, as the webhook does", run);

}  // namespace paymesh::ctl
