// paymeshctl render: the ConfigMaps <name>-paymesh (and the endpoint shards
// <name>-paymesh-eds-<n> of a configuration over 1 MiB) exactly as the operator writes them
// (the operator's own buildDesired, over a view of the files), from PaymentServices and
// their endpoints (Pods or EndpointSlices) on files.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/flags.h"
#include "model/mesh_config.h"
#include "operator/desired/build_desired.h"
#include "paymeshctl/commands.h"
#include "policy/manifest_inputs.h"
#include "yaml/yaml.h"

namespace paymesh::ctl {
namespace {

namespace fs = std::filesystem;

const CommandSpec& spec() {
  static const CommandSpec kSpec = {
      "render",
      "render -f PATH [-f PATH...] [--mesh-config FILE] [-o DIR]",
      "Render the sidecar configuration of every PaymentService as the ConfigMaps the\n"
      "operator writes (<name>-paymesh; past 1 MiB, its endpoint files move to\n"
      "<name>-paymesh-eds-<n>). Endpoints come from Pod manifests that match a\n"
      "service's selector and from EndpointSlices labelled kubernetes.io/service-name.",
      {
          {"file", "f", true, true, "PATH", "PaymentServices plus Pods/EndpointSlices (file, directory or -)"},
          {"mesh-config", "", true, false, "FILE", "mesh configuration (default: built-in defaults)"},
          {"output-dir", "o", true, false, "DIR", "write DIR/<namespace>/<name>-paymesh.yaml instead of printing"},
          {"service", "s", true, true, "NAME", "render only these PaymentServices (default: all)"},
      },
      "Exit codes: 0 rendered, 1 invalid input or a missing dependency, 2 usage error or\n"
      "unreadable input. Nothing is written unless everything renders.\n",
      true,
  };
  return kSpec;
}

Status writeAtomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return unavailable(path.parent_path().string() + ": " + ec.message());
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return unavailable(tmp.string() + ": write failed");
  }
  fs::rename(tmp, path, ec);
  if (ec) return unavailable(path.string() + ": " + ec.message());
  return Status::ok();
}

using Rendered = std::vector<std::pair<std::string, nlohmann::ordered_json>>;  // (namespace, ConfigMap)

// Every selected service of every namespace through buildDesired; problems on stderr.
// Returns 1 if any service did not render or misses a dependency, else 0.
int renderAll(const policy::ManifestInputs& inputs, const model::MeshConfig& mesh, const std::vector<std::string>& only,
              Rendered& rendered) {
  int exit_code = 0;
  for (const auto& [ns, space] : inputs.namespaces) {
    ctrl::NamespaceView view(space);
    for (const auto& [name, svc] : space.services) {
      if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
      ctrl::Desired desired = ctrl::buildDesired({svc, view, mesh});
      const ctrl::Observed& cfg = desired.observed;
      const std::string& where = space.service_files.at(name);
      if (!desired.config_map) {
        std::fprintf(stderr, "%s: %s/%s: %s\n", where.c_str(), ns.c_str(), name.c_str(), cfg.config_error.c_str());
        exit_code = 1;
        continue;
      }
      for (const auto& missing : cfg.missing) {
        std::fprintf(stderr, "%s: %s/%s: PaymentService \"%s\" not found in namespace %s\n", where.c_str(), ns.c_str(),
                     name.c_str(), missing.c_str(), ns.c_str());
        exit_code = 1;
      }
      for (const auto& note : cfg.notes)
        std::fprintf(stderr, "note: %s/%s: %s\n", ns.c_str(), name.c_str(), note.c_str());
      for (const auto& empty : cfg.without_endpoints) {
        std::fprintf(stderr, "note: %s/%s: %s has no ready endpoints; its cluster renders empty\n", ns.c_str(),
                     name.c_str(), empty.c_str());
      }
      rendered.emplace_back(ns, std::move(*desired.config_map));
      for (auto& shard : desired.config_shards)
        if (shard.config_map) rendered.emplace_back(ns, std::move(*shard.config_map));
    }
  }
  return exit_code;
}

// DIR/<namespace>/<name>-paymesh.yaml for each, or all on stdout separated by "---".
int output(const Rendered& rendered, const std::optional<std::string>& dir) {
  if (!dir) {
    bool first = true;
    for (const auto& [ns, config_map] : rendered) {
      if (!first) std::fputs("---\n", stdout);
      first = false;
      std::fputs(yaml::toYaml(config_map).c_str(), stdout);
    }
    return 0;
  }
  for (const auto& [ns, config_map] : rendered) {
    fs::path path = fs::path(*dir) / ns / (config_map["metadata"]["name"].get<std::string>() + ".yaml");
    if (auto s = writeAtomically(path, yaml::toYaml(config_map)); !s.isOk()) {
      std::fprintf(stderr, "paymeshctl render: %s\n", s.message().c_str());
      return 2;
    }
  }
  std::fprintf(stderr, "wrote %zu ConfigMap%s under %s\n", rendered.size(), rendered.size() == 1 ? "" : "s",
               dir->c_str());
  return 0;
}

int run(const Args& args) {
  auto command = parseCommand(spec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags* flags = &std::get<Flags>(command);
  std::vector<std::string> paths = flags->all("file");
  for (const auto& p : flags->positionals()) paths.push_back(p);
  if (paths.empty()) {
    return commandError(spec(), 2, "no input: give -f PATH");
  }
  model::MeshConfig mesh;
  if (auto file = flags->get("mesh-config")) {
    auto loaded = model::loadMeshConfig(*file);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      return loaded.status().code() == Code::kNotFound ? 2 : 1;
    }
    mesh = std::move(*loaded);
  } else {
    mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
  }
  std::vector<model::Manifest> manifests;
  for (const auto& p : paths) {
    auto ms = model::readManifests(p);
    if (!ms.isOk()) {
      std::fprintf(stderr, "%s\n", ms.status().message().c_str());
      return 2;
    }
    for (auto& m : *ms) manifests.push_back(std::move(m));
  }
  auto inputs = policy::collectInputs(manifests);
  int exit_code = 0;
  for (const auto& e : inputs.errors) {
    std::fprintf(stderr, "%s:%d: %s: %s\n", e.file.c_str(), e.line, e.object.c_str(), e.message.c_str());
    exit_code = 1;
  }
  Rendered rendered;
  exit_code = std::max(exit_code, renderAll(inputs, mesh, flags->all("service"), rendered));
  if (exit_code != 0) return exit_code;  // nothing is printed or written half-way
  return output(rendered, flags->get("output-dir"));
}

}  // namespace

PAYMESH_CTL_COMMAND(render, "render", "render the sidecar ConfigMaps the operator writes", run);

}  // namespace paymesh::ctl
