#pragma once
// The command-line flag parser of every paymesh binary (paymeshctl's subcommands,
// paymesh-operator, paymesh-webhook): "--name value", "--name=value", "-f value",
// repeated flags, switches ("--x", "--x=true", "--x=false"), defaults and positionals.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"

namespace paymesh::cli {

struct FlagSpec {
  FlagSpec(std::string name_, std::string short_name_, bool takes_value_, bool repeated_, std::string value_name_,
           std::string help_, std::string default_value_ = "")
      : name(std::move(name_)),
        short_name(std::move(short_name_)),
        takes_value(takes_value_),
        repeated(repeated_),
        value_name(std::move(value_name_)),
        help(std::move(help_)),
        default_value(std::move(default_value_)) {}

  std::string name;         // long name without dashes: "file"
  std::string short_name;   // "f" or empty
  bool takes_value = true;  // false: a switch
  bool repeated = false;    // may be given more than once
  std::string value_name;   // "PATH", for help
  std::string help;
  std::string default_value;  // what value() returns when the flag is absent; shown in help
};

class Flags {
public:
  // Parses args (without the program and subcommand names). Unknown flags, missing
  // values, repeats of a non-repeated flag and a switch given a value other than
  // true/false are errors. "--x=false" leaves the switch unset.
  static Result<Flags> parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args);

  // Whether the flag was given (defaults do not count).
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
  // The value given, else the spec's default_value.
  std::string value(const std::string& name) const;
  const std::vector<std::string>& all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

private:
  std::map<std::string, std::vector<std::string>> values_;
  std::map<std::string, std::string> defaults_;
  std::vector<std::string> positionals_;
};

// "  -f, --file PATH   help" lines for every flag.
std::string flagsHelp(const std::vector<FlagSpec>& specs);

// A command's interface (a paymeshctl subcommand, or a whole binary): its flags and its
// --help text, which reads
//   <description>\n\nUsage: <program> <usage>\n\nFlags:\n<flags>[\n<epilogue>]
struct CommandSpec {
  std::string name;             // "validate", "ca init" ("" for a binary): in help and errors
  std::string usage;            // after "Usage: <program> "
  std::string description;      // what it does
  std::vector<FlagSpec> flags;  // -h/--help is added
  std::string epilogue;         // after the flags: output format, exit codes ("" for none)
  bool positionals = false;     // whether arguments other than flags are accepted
  std::string program = "paymeshctl";

  // "paymeshctl validate", "paymesh-operator": how help and errors name the command.
  std::string displayName() const { return name.empty() ? program : program + " " + name; }
};
std::string commandHelp(const CommandSpec& spec);

// Parses a subcommand's arguments. Returns the flags, or the exit code the command returns
// at once: 0 after printing the help for --help/-h, 2 after printing a usage error on
// stderr as "<program> <name>: <message>; run '<program> <name> --help'".
std::variant<Flags, int> parseCommand(const CommandSpec& spec, const std::vector<std::string>& args);

// "<program> <name>: <message>" on stderr; returns `code`.
int commandError(const CommandSpec& spec, int code, const std::string& message);

// Parses a non-negative integer flag value with a range check; the error names the flag.
Result<uint64_t> parseUintFlag(const std::string& flag, const std::string& value, uint64_t min, uint64_t max);

// Parses a Go/Kubernetes duration flag value ("15s", "1m30s"); the error names the flag.
Result<std::chrono::milliseconds> parseDurationFlag(const std::string& flag, const std::string& value);

}  // namespace paymesh::cli
