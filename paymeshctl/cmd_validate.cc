// paymeshctl validate: checks PaymentService manifests offline with the rules the API
// server applies (schema, defaults, CEL rules) and prints FILE:LINE errors.

#include <algorithm>
#include <cstdio>
#include <set>

#include "model/manifest.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "paymeshctl/commands.h"
#include "cli/flags.h"

namespace paymesh::ctl {
namespace {

const CommandSpec& spec() {
  static const CommandSpec kSpec = {
      "validate",
      "validate -f PATH [-f PATH...] [--mesh-config FILE]",
      "Validate PaymentService manifests as the API server would: schema, defaults and\n"
      "cross-field rules. Other kinds are skipped with a note.",
      {
          {"file", "f", true, true, "PATH", "file or directory of YAML/JSON manifests; - reads standard input"},
          {"mesh-config", "", true, false, "FILE", "also validate this mesh-config file"},
          {"quiet", "q", false, false, "", "print errors only, no summary or notes"},
      },
      "Output: one line per error, FILE:LINE: NAMESPACE/NAME: FIELD.PATH: message\n"
      "Exit codes: 0 all valid, 1 invalid objects, 2 usage error or unreadable input.\n",
      true,
  };
  return kSpec;
}

int run(const Args& args) {
  auto command = parseCommand(spec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags* flags = &std::get<Flags>(command);
  std::vector<std::string> paths = flags->all("file");
  for (const auto& p : flags->positionals()) paths.push_back(p);
  if (paths.empty() && !flags->has("mesh-config")) {
    return commandError(spec(), 2, "no input: give -f PATH");
  }
  bool quiet = flags->has("quiet");
  int exit_code = 0;
  size_t valid = 0, invalid = 0, skipped = 0;

  if (auto mesh = flags->get("mesh-config")) {
    auto r = model::loadMeshConfig(*mesh);
    if (!r.isOk()) {
      std::printf("%s\n", r.status().message().c_str());
      exit_code = r.status().code() == Code::kNotFound ? 2 : 1;
    }
  }

  for (const auto& path : paths) {
    auto manifests = model::readManifests(path);
    if (!manifests.isOk()) {
      std::fprintf(stderr, "%s\n", manifests.status().message().c_str());
      exit_code = 2;
      continue;
    }
    for (const auto& m : *manifests) {
      static const std::set<std::string> kClusterScoped = {"Namespace",
                                                           "CustomResourceDefinition",
                                                           "MutatingWebhookConfiguration",
                                                           "ValidatingWebhookConfiguration",
                                                           "ClusterRole",
                                                           "ClusterRoleBinding",
                                                           "PersistentVolume",
                                                           "StorageClass",
                                                           "PriorityClass"};
      std::string ns = kClusterScoped.count(m.kind()) ? "" : m.namespaceOr("default");
      std::string name = m.name().empty() ? "<unnamed>" : m.name();
      // A hostile name must not flood the terminal; 80 characters identify any real one.
      if (name.size() > 80) name = name.substr(0, 80) + "...";
      std::string where = m.file + ":" + std::to_string(m.doc.line);
      if (!m.doc.value.is_object()) {
        std::printf("%s: not a Kubernetes object (got a %s)\n", where.c_str(),
                    model::jsonTypeName(m.doc.value).c_str());
        ++invalid;
        exit_code = std::max(exit_code, 1);
        continue;
      }
      bool ours = m.kind() == model::kKind || m.apiVersion().rfind(std::string(model::kGroup) + "/", 0) == 0;
      if (!ours) {
        if (!quiet) {
          std::fprintf(stderr, "%s: note: skipping %s %s%s%s (not a PaymentService)\n", where.c_str(),
                       m.kind().empty() ? "object without kind" : m.kind().c_str(), ns.c_str(), ns.empty() ? "" : "/",
                       name.c_str());
        }
        ++skipped;
        continue;
      }
      auto result = model::parsePaymentService(m.doc.value);
      if (result.errors.empty()) {
        ++valid;
        continue;
      }
      ++invalid;
      exit_code = std::max(exit_code, 1);
      // Report in file order, so the output reads top to bottom with the manifest.
      std::stable_sort(
          result.errors.begin(), result.errors.end(),
          [&](const model::FieldError& a, const model::FieldError& b) { return m.lineOf(a.path) < m.lineOf(b.path); });
      for (const auto& e : result.errors) {
        std::printf("%s:%d: %s/%s: %s\n", m.file.c_str(), m.lineOf(e.path), ns.c_str(), name.c_str(),
                    model::toString(e).c_str());
      }
    }
  }
  if (!quiet) {
    std::fprintf(stderr, "%zu PaymentService%s valid, %zu invalid, %zu other object%s skipped\n", valid,
                 valid == 1 ? "" : "s", invalid, skipped, skipped == 1 ? "" : "s");
  }
  return exit_code;
}

}  // namespace

PAYMESH_CTL_COMMAND(validate, "validate", "validate PaymentService manifests as the API server would", run);

}  // namespace paymesh::ctl
