// paymeshctl: the pure parts of paymesh on files, for offline and GitOps use.

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "paymeshctl/commands.h"

namespace paymesh::ctl {

std::vector<Command>& commandRegistry() {
  static std::vector<Command> registry;
  return registry;
}

namespace {

const std::vector<Command>& commands() {
  auto& r = commandRegistry();
  std::sort(r.begin(), r.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  return r;
}

void printUsage(FILE* out) {
  std::fprintf(out,
               "paymeshctl: paymesh on files, for offline and GitOps use\n\n"
               "Usage: paymeshctl COMMAND [FLAGS]\n\nCommands:\n");
  for (const auto& c : commands()) std::fprintf(out, "  %-12s %s\n", c.name.c_str(), c.summary.c_str());
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
        std::fprintf(stderr, "paymeshctl %s: internal error: %s\n", c.name.c_str(), e.what());
        return 3;
      }
    }
  }
  std::fprintf(stderr, "paymeshctl: unknown command \"%s\"; run 'paymeshctl --help'\n", name.substr(0, 64).c_str());
  return 2;
}
