#include "app/process.h"

#include <cstdio>
#include <exception>

#include "kube/kubeconfig.h"
#include "obs/log.h"

namespace paymesh::app {

const char* version() { return PAYMESH_VERSION; }

void printFailure(const std::string& program, const Failure& f) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), f.message.c_str());
}

Status configureLogging(const cli::Flags& flags) {
  obs::LogLevel level;
  obs::LogFormat format;
  if (!obs::parseLogLevel(flags.value("log-level"), level))
    return invalidArgument("--log-level: \"" + flags.value("log-level") + "\" is not debug, info, warn or error");
  if (!obs::parseLogFormat(flags.value("log-format"), format))
    return invalidArgument("--log-format: \"" + flags.value("log-format") + "\" is not text or json");
  obs::setLogLevel(level);
  obs::setLogFormat(format);
  return Status::ok();
}

OrFailure<std::unique_ptr<kube::RestClient>> connect(const cli::Flags& flags, const std::string& program,
                                                     const std::string& instance) {
  auto cluster = kube::loadConfig(flags.value("kubeconfig"), flags.value("context"));
  if (!cluster.isOk()) return Failure{2, cluster.status().message()};
  kube::RestClientOptions options;
  options.user_agent = program + "/" + version();
  if (!instance.empty()) options.user_agent += " (" + instance + ")";
  auto client = kube::RestClient::create(*cluster, options);
  if (!client.isOk()) return Failure{1, client.status().message()};
  return std::move(client).value();
}

OrFailure<std::unique_ptr<prometheus::Exposer>> serveMetrics(const std::string& addr,
                                                             const std::shared_ptr<prometheus::Registry>& registry) {
  if (addr == "0") return std::unique_ptr<prometheus::Exposer>();
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(addr.rfind(':', 0) == 0 ? "0.0.0.0" + addr : addr);
    exposer->RegisterCollectable(registry);
    return exposer;
  } catch (const std::exception& e) {
    return Failure{1, "--metrics-addr " + addr + ": " + e.what()};
  }
}

}  // namespace paymesh::app
