#pragma once
// Runs a command through /bin/sh and captures its exit code, stdout and stderr, for
// tests that drive the real binaries.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace paymesh::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline CommandResult runCommand(const std::string& command, const std::string& stdin_text = "") {
  static int counter = 0;
  std::string base = "/tmp/paymesh-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
  std::ofstream(in_path, std::ios::binary) << stdin_text;
  std::string full = "(" + command + ") <" + in_path + " >" + out_path + " 2>" + err_path;
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

inline std::string paymeshctl() { return PAYMESH_BINARY_DIR "/paymeshctl/paymeshctl"; }

}  // namespace paymesh::testing
