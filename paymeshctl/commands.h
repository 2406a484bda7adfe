#pragma once
// paymeshctl subcommands. Each lives in its own cmd_<name>.cc, registers itself with
// PAYMESH_CTL_COMMAND, takes its arguments (after the subcommand name) and returns the
// process exit code: 0 success, 1 invalid content, 2 usage error or unreadable input.

#include <string>
#include <vector>

#include "cli/flags.h"

namespace paymesh::ctl {

using cli::CommandSpec;
using cli::Flags;
using cli::FlagSpec;
using cli::parseUintFlag;

using Args = std::vector<std::string>;
using RunFn = int (*)(const Args& args);

struct Command {
  std::string name;
  std::string summary;
  RunFn run;
};

// All registered commands, sorted by name.
std::vector<Command>& commandRegistry();

struct CommandRegistrar {
  CommandRegistrar(const char* name, const char* summary, RunFn run) {
    commandRegistry().push_back({name, summary, run});
  }
};

}  // namespace paymesh::ctl

// Registers a subcommand; use once per cmd_<name>.cc at namespace scope.
#define PAYMESH_CTL_COMMAND(ident, name, summary, fn) \
  static const ::paymesh::ctl::CommandRegistrar paymesh_ctl_command_##ident(name, summary, fn)
