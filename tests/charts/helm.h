#pragma once
// The chart as users meet it: the real helm (tools/bin, see tests/support/tools.h) renders
// and lints charts/paymesh, its output is split into objects that remember the template
// they came from, and tools/check-k8s.mjs checks them against the Kubernetes schemas.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/run_command.h"

namespace paymesh::testing {

inline const std::string kChartDir = PAYMESH_SOURCE_DIR "/charts/paymesh";
inline const char* kReleaseNamespace = "paymesh-system";

struct HelmArgs {
  std::string release = "paymesh";
  std::string ns = kReleaseNamespace;
  std::string chart = kChartDir;
  std::vector<std::string> values_files;  // -f
  std::vector<std::string> sets;          // --set
  bool include_crds = false;
};

struct RenderedObject {
  std::string source;  // "paymesh/templates/webhook-deployment.yaml"
  nlohmann::json value;
  std::string kind() const { return value.value("kind", ""); }
  std::string name() const { return value["metadata"].value("name", ""); }
};

struct Rendered {
  CommandResult run;  // helm's exit code and output
  std::vector<RenderedObject> objects;
  // The one object of that kind and name (a test failure when there is not exactly one).
  const nlohmann::json& get(const std::string& kind, const std::string& name) const;
  std::vector<const RenderedObject*> ofKind(const std::string& kind) const;
};

// `helm template RELEASE CHART -n NS ...`; objects parsed when helm succeeded.
Rendered helmTemplate(const HelmArgs& args);
CommandResult helmLint(const HelmArgs& args);
// Any helm command line after "helm" (the arguments are passed through the shell).
CommandResult helm(const std::string& arguments);

// The values combinations the chart documents (tests/charts/values/*.yaml), by file name;
// "" is the default values.
std::vector<std::string> valueCombinations();

// tools/check-k8s.mjs on a file of objects: exit code 0 when every object is valid.
CommandResult checkK8s(const std::string& file);

// A private scratch directory for one test, removed by the destructor.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const;

private:
  std::string path_;
};

// Copies charts/paymesh into `dir` (for tests that break or change it); returns the copy.
std::string copyChart(const std::string& dir);

}  // namespace paymesh::testing
