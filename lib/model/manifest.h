#pragma once
// Reading Kubernetes manifests from files: a file, a directory (every .yaml, .yml and
// .json under it, in sorted order) or "-" for standard input; multi-document YAML or
// JSON; `kind: List` expanded into its items.

#include <string>
#include <vector>

#include "base/status.h"
#include "yaml/yaml.h"

namespace paymesh::model {

struct Manifest {
  std::string file;  // as given on the command line, or the file found in a directory
  yaml::YamlDocument doc;

  std::string kind() const;
  std::string apiVersion() const;
  std::string name() const;
  std::string namespaceOr(const std::string& fallback) const;
  int lineOf(const std::string& path) const { return doc.lineOf(path); }
};

// Unreadable input (missing file, unreadable directory, broken YAML) is an error whose
// message starts with "FILE:" or "FILE:LINE:". With expand_lists false a `kind: List`
// stays one manifest (for tools that write the documents back).
Result<std::vector<Manifest>> readManifests(const std::string& path, bool expand_lists = true);

// Parses already-read text; `file` is used in messages.
Result<std::vector<Manifest>> parseManifests(const std::string& text, const std::string& file,
                                             bool expand_lists = true);

}  // namespace paymesh::model
