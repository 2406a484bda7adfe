// kube-emulator: the Kubernetes API emulator as a standalone process, for the demo and for
// kubectl. Prints the URL it listens on; writes a kubeconfig when asked.

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "emulator/emulator.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

void usage(std::ostream& out) {
  out << "usage: kube-emulator [--port P] [--tls] [--kubeconfig-out FILE] [--token T] [--history N]\n"
         "                     [--bookmark-ms MS] [--faults JSON] [--service-host NAME.NS=HOST:PORT...]\n"
         "  --port P            port on 127.0.0.1 (default 0: any free port)\n"
         "  --tls               serve HTTPS with a generated CA (written into the kubeconfig)\n"
         "  --kubeconfig-out F  write a kubeconfig for this emulator to F\n"
         "  --token T           require 'Authorization: Bearer T' on every request\n"
         "  --history N         watch events kept; older resourceVersions get 410 (default 1000)\n"
         "  --bookmark-ms MS    watch bookmark interval (default 1000)\n"
         "  --faults JSON       faults, e.g. {\"seed\":7,\"dropWatchEvery\":5,\"errorRate\":0.1}\n"
         "                      (also settable at runtime: POST /emulator/faults)\n"
         "  --service-host S=A  a webhook clientConfig.service NAME.NS is dialled at HOST:PORT (its\n"
         "                      certificate must still name NAME.NS.svc)\n";
}

bool parseNumber(const std::string& s, unsigned long max, unsigned long& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 10) return false;
  out = std::stoul(s);
  return out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  paymesh::emulator::EmulatorOptions options;
  std::string kubeconfig_out;
  std::string faults;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::cerr << "kube-emulator: " << a << " needs a value\n";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    unsigned long n = 0;
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    } else if (a == "--tls") {
      options.tls = true;
    } else if (a == "--port") {
      if (!value(v)) return 2;
      if (!parseNumber(v, 65535, n)) {
        std::cerr << "kube-emulator: --port: not a port number: " << v << "\n";
        return 2;
      }
      options.port = static_cast<uint16_t>(n);
    } else if (a == "--history") {
      if (!value(v)) return 2;
      if (!parseNumber(v, 10000000, n) || n == 0) {
        std::cerr << "kube-emulator: --history: expected a positive number, got " << v << "\n";
        return 2;
      }
      options.api.history = n;
    } else if (a == "--bookmark-ms") {
      if (!value(v)) return 2;
      if (!parseNumber(v, 3600000, n) || n == 0) {
        std::cerr << "kube-emulator: --bookmark-ms: expected a positive number, got " << v << "\n";
        return 2;
      }
      options.api.bookmark_interval = std::chrono::milliseconds(n);
    } else if (a == "--kubeconfig-out") {
      if (!value(kubeconfig_out)) return 2;
    } else if (a == "--token") {
      if (!value(options.api.token)) return 2;
    } else if (a == "--faults") {
      if (!value(faults)) return 2;
    } else if (a == "--service-host") {
      if (!value(v)) return 2;
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
        std::cerr << "kube-emulator: --service-host: expected NAME.NAMESPACE=HOST:PORT, got " << v << "\n";
        return 2;
      }
      options.api.service_hosts[v.substr(0, eq)] = v.substr(eq + 1);
    } else {
      std::cerr << "kube-emulator: unknown argument " << a << "\n";
      usage(std::cerr);
      return 2;
    }
  }
  paymesh::emulator::Faults parsed_faults;
  if (!faults.empty()) {
    try {
      parsed_faults = paymesh::emulator::faultsFromJson(nlohmann::json::parse(faults));
    } catch (const std::exception& e) {
      std::cerr << "kube-emulator: --faults: " << e.what() << "\n";
      return 2;
    }
  }
  paymesh::emulator::Emulator emulator(options);
  if (std::string err = emulator.start(); !err.empty()) {
    std::cerr << "kube-emulator: " << err << "\n";
    return 1;
  }
  if (!faults.empty()) emulator.api().setFaults(parsed_faults);
  if (!kubeconfig_out.empty()) {
    std::ofstream f(kubeconfig_out);
    f << emulator.kubeconfig(options.api.token);
    if (!f) {
      std::cerr << "kube-emulator: cannot write " << kubeconfig_out << "\n";
      return 1;
    }
  }
  std::cout << "kube-emulator listening on " << emulator.url() << std::endl;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  emulator.stop();
  return 0;
}
