#pragma once
// A small command-line flag parser for paymeshctl subcommands: "--name value",
// "--name=value", "-f value", repeated flags, boolean switches and positionals.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"

namespace paymesh::ctl {

struct FlagSpec {
  std::string name;        // long name without dashes: "file"
  std::string short_name;  // "f" or empty
  bool takes_value = true;
  bool repeated = false;
  std::string value_name;  // "PATH", for help
  std::string help;
};

class Flags {
public:
  // Parses args (without the program and subcommand names). Unknown flags, missing
  // values and repeats of a non-repeated flag are errors.
  static Result<Flags> parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
  const std::vector<std::string>& all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// "  -f, --file PATH   help" lines for every flag.
std::string flagsHelp(const std::vector<FlagSpec>& specs);

// A subcommand's interface: its flags and its --help text, which reads
//   <description>\n\nUsage: paymeshctl <usage>\n\nFlags:\n<flags>[\n<epilogue>]
struct CommandSpec {
  std::string name;             // "validate", "ca init": in the help and in error messages
  std::string usage;            // after "Usage: paymeshctl "
  std::string description;      // what it does
  std::vector<FlagSpec> flags;  // -h/--help is added
  std::string epilogue;         // after the flags: output format, exit codes ("" for none)
  bool positionals = false;     // whether arguments other than flags are accepted
};
std::string commandHelp(const CommandSpec& spec);

// Parses a subcommand's arguments. Returns the flags, or the exit code the command returns
// at once: 0 after printing the help for --help/-h, 2 after printing a usage error on
// stderr as "paymeshctl <name>: <message>; run 'paymeshctl <name> --help'".
std::variant<Flags, int> parseCommand(const CommandSpec& spec, const std::vector<std::string>& args);

// "paymeshctl <name>: <message>" on stderr; returns `code`.
int commandError(const CommandSpec& spec, int code, const std::string& message);

// Parses a non-negative integer flag value with a range check; the error names the flag.
Result<uint64_t> parseUintFlag(const std::string& flag, const std::string& value, uint64_t min, uint64_t max);

}  // namespace paymesh::ctl
