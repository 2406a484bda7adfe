// paymeshctl: the pure parts of paymesh on files, for offline and GitOps use.

#include <cstdio>
#include <exception>
#include <string>

#include "paymeshctl/commands.h"

namespace paymesh::ctl {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"validate", "validate PaymentService manifests as the API server would", runValidate},
      {"crd", "print the PaymentService CustomResourceDefinition", runCrd},
  };
  return kCommands;
}

namespace {

void printUsage(FILE* out) {
  std::fprintf(out,
               "paymeshctl: paymesh on files, for offline and GitOps use\n\n"
               "Usage: paymeshctl COMMAND [FLAGS]\n\nCommands:\n");
  for (const auto& c : commands()) std::fprintf(out, "  %-12s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nFlags:\n  -h, --help    show this help\n  --version     print the version\n\n"
               "Run 'paymeshctl COMMAND --help' for the flags of a command.\n"
               "Exit codes: 0 success, 1 invalid content, 2 usage error or unreadable input.\n");
}

}  // namespace
}  // namespace paymesh::ctl

int main(int argc, char** argv) {
  using namespace paymesh::ctl;
  if (argc < 2) {
    printUsage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    printUsage(stdout);
    return 0;
  }
  if (name == "--version" || name == "version") {
    std::printf("paymeshctl %s\n", PAYMESH_VERSION);
    return 0;
  }
  Args args(argv + 2, argv + argc);
  for (const auto& c : commands()) {
    if (name == c.name) {
      try {
        return c.run(args);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "paymeshctl %s: internal error: %s\n", c.name, e.what());
        return 3;
      }
    }
  }
  std::fprintf(stderr, "paymeshctl: unknown command \"%s\"; run 'paymeshctl --help'\n", name.substr(0, 64).c_str());
  return 2;
}
