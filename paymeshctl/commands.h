#pragma once
// paymeshctl subcommands. Each takes its arguments (after the subcommand name) and
// returns the process exit code: 0 success, 1 invalid content, 2 usage or unreadable input.

#include <string>
#include <vector>

namespace paymesh::ctl {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

int runValidate(const Args& args);
int runCrd(const Args& args);

// The table main() dispatches on, in help order.
const std::vector<Command>& commands();

}  // namespace paymesh::ctl
