#pragma once
// What paymesh-operator and paymesh-webhook both do around their work: the version they
// print, logging from the common flags (--log-level, --log-format), the connection to the
// API server (--kubeconfig, --context), and the Prometheus endpoint (--metrics-addr).
// Failures carry the exit code the binaries document: 2 for a usage error or an
// unreadable input file, 1 for a runtime failure.

#include <memory>
#include <string>
#include <variant>

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "base/status.h"
#include "cli/flags.h"
#include "kube/rest_client.h"

namespace paymesh::app {

// The project's version (CMake's PROJECT_VERSION).
const char* version();

struct Failure {
  int exit_code = 1;
  std::string message;
};
template <typename T>
using OrFailure = std::variant<T, Failure>;

// Prints "<program>: <message>" to stderr when `r` failed and sets `exit_code`.
template <typename T>
bool failed(const std::string& program, const OrFailure<T>& r, int& exit_code) {
  const auto* f = std::get_if<Failure>(&r);
  if (!f) return false;
  printFailure(program, *f);
  exit_code = f->exit_code;
  return true;
}
void printFailure(const std::string& program, const Failure& f);

// --log-level (debug, info, warn, error) and --log-format (text, json), applied.
Status configureLogging(const cli::Flags& flags);

// A client for the cluster of --kubeconfig / --context (in-cluster, then $KUBECONFIG by
// default); its user agent "<program>/<version>" names the binary in audit logs, and
// "<program>/<version> (<instance>)" the replica too when `instance` is given.
OrFailure<std::unique_ptr<kube::RestClient>> connect(const cli::Flags& flags, const std::string& program,
                                                     const std::string& instance = "");

// Prometheus text on http://ADDR/metrics for `registry`; ":8080" listens on every
// address; "0" serves nothing (nullptr).
OrFailure<std::unique_ptr<prometheus::Exposer>> serveMetrics(const std::string& addr,
                                                             const std::shared_ptr<prometheus::Registry>& registry);

}  // namespace paymesh::app
