#include "charts/helm.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/manifest.h"
#include "support/tools.h"

namespace paymesh::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string commonArgs(const HelmArgs& a) {
  std::string out = " " + quote(a.release) + " " + quote(a.chart) + " -n " + quote(a.ns);
  for (const auto& f : a.values_files) out += " -f " + quote(f);
  for (const auto& s : a.sets) out += " --set " + quote(s);
  return out;
}

// helm prints each object as "---\n# Source: <template>\n<yaml>".
std::vector<RenderedObject> splitObjects(const std::string& text) {
  std::vector<RenderedObject> out;
  std::istringstream in(text);
  std::string line, source, chunk;
  auto flush = [&] {
    if (chunk.find_first_not_of(" \n") == std::string::npos) return;
    auto docs = model::parseManifests(chunk, source);
    EXPECT_TRUE(docs.isOk()) << source << ": " << docs.status().message() << "\n" << chunk;
    if (!docs.isOk()) return;
    for (auto& d : *docs)
      if (!d.doc.value.is_null()) out.push_back({source, d.doc.value});
  };
  while (std::getline(in, line)) {
    if (line == "---") {
      flush();
      chunk.clear();
      source.clear();
      continue;
    }
    if (line.rfind("# Source: ", 0) == 0 && source.empty()) source = line.substr(10);
    chunk += line + "\n";
  }
  flush();
  return out;
}

}  // namespace

const json& Rendered::get(const std::string& kind, const std::string& name) const {
  static const json kNone = json::object();
  const json* found = nullptr;
  int n = 0;
  for (const auto& o : objects) {
    if (o.kind() == kind && o.name() == name) {
      found = &o.value;
      ++n;
    }
  }
  EXPECT_EQ(n, 1) << "the render has " << n << " " << kind << " named " << name;
  return found ? *found : kNone;
}

std::vector<const RenderedObject*> Rendered::ofKind(const std::string& kind) const {
  std::vector<const RenderedObject*> out;
  for (const auto& o : objects)
    if (o.kind() == kind) out.push_back(&o);
  return out;
}

CommandResult helm(const std::string& arguments) { return runCommand(helmPath() + " " + arguments); }

Rendered helmTemplate(const HelmArgs& args) {
  Rendered r;
  r.run = helm("template" + commonArgs(args) + (args.include_crds ? " --include-crds" : ""));
  if (r.run.exit_code == 0) r.objects = splitObjects(r.run.out);
  return r;
}

CommandResult helmLint(const HelmArgs& args) {
  std::string flags;
  for (const auto& f : args.values_files) flags += " -f " + quote(f);
  for (const auto& s : args.sets) flags += " --set " + quote(s);
  return helm("lint --strict " + quote(args.chart) + " -n " + quote(args.ns) + flags);
}

std::vector<std::string> valueCombinations() {
  std::vector<std::string> out = {""};
  for (const auto& e : fs::directory_iterator(PAYMESH_SOURCE_DIR "/tests/charts/values"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

CommandResult checkK8s(const std::string& file) {
  return runCommand(nodePath() + " " + toolsDir() + "/check-k8s.mjs --crd-kinds PaymentService " + quote(file));
}

TempDir::TempDir() {
  static int counter = 0;
  path_ = (fs::path(::testing::TempDir()) /
           ("paymesh-chart-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
              .string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::string file = path_ + "/" + name;
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

std::string copyChart(const std::string& dir) {
  std::string to = dir + "/paymesh";
  fs::copy(kChartDir, to, fs::copy_options::recursive);
  return to;
}

}  // namespace paymesh::testing
