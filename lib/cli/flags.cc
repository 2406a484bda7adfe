#include "cli/flags.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "base/duration.h"

namespace paymesh::cli {

Result<Flags> Flags::parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args) {
  Flags flags;
  for (const auto& s : specs)
    if (!s.default_value.empty()) flags.defaults_[s.name] = s.default_value;
  std::set<std::string> seen;  // a switch given "=false" counts as given
  bool only_positionals = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-') {
      flags.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) {
      return arg[1] == '-' ? s.name == name : (!s.short_name.empty() && s.short_name == name);
    });
    if (spec == specs.end()) return invalidArgument("unknown flag " + arg.substr(0, 100));
    std::string value = "true";
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return invalidArgument("flag --" + spec->name + " needs a value");
      }
    } else if (inline_value) {
      if (*inline_value != "true" && *inline_value != "false")
        return invalidArgument("flag --" + spec->name + " takes no value (or =true, =false)");
    }
    if (!seen.insert(spec->name).second && !spec->repeated)
      return invalidArgument("flag --" + spec->name + " given more than once");
    if (!spec->takes_value && inline_value == "false") continue;
    flags.values_[spec->name].push_back(value);
  }
  return flags;
}

std::optional<std::string> Flags::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Flags::getOr(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

std::string Flags::value(const std::string& name) const {
  if (auto v = get(name)) return *v;
  auto it = defaults_.find(name);
  return it == defaults_.end() ? std::string() : it->second;
}

const std::vector<std::string>& Flags::all(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(name);
  return it == values_.end() ? kEmpty : it->second;
}

std::string flagsHelp(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  ";
    left += s.short_name.empty() ? "    " : "-" + s.short_name + ", ";
    left += "--" + s.name;
    if (s.takes_value) left += " " + (s.value_name.empty() ? std::string("VALUE") : s.value_name);
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "  ";
    std::string def = s.default_value.empty() ? "" : " (default " + s.default_value + ")";
    out += left + s.help + (s.repeated ? " (repeatable)" : "") + def + "\n";
  }
  return out;
}

Result<uint64_t> parseUintFlag(const std::string& flag, const std::string& value, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
    return invalidArgument("--" + flag + ": not a non-negative integer: \"" + value.substr(0, 64) + "\"");
  }
  if (v < min || v > max) {
    return invalidArgument("--" + flag + ": must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + value);
  }
  return v;
}

Result<std::chrono::milliseconds> parseDurationFlag(const std::string& flag, const std::string& value) {
  auto d = parseDuration(value);
  if (!d.isOk()) return invalidArgument("--" + flag + ": " + d.status().message());
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

namespace {

std::vector<FlagSpec> withHelp(const std::vector<FlagSpec>& flags) {
  std::vector<FlagSpec> out = flags;
  out.push_back({"help", "h", false, false, "", "show this help"});
  return out;
}

}  // namespace

std::string commandHelp(const CommandSpec& spec) {
  std::string out = spec.description + "\n\nUsage: " + spec.program + " " + spec.usage + "\n\nFlags:\n" +
                    flagsHelp(withHelp(spec.flags));
  if (!spec.epilogue.empty()) out += "\n" + spec.epilogue;
  return out;
}

int commandError(const CommandSpec& spec, int code, const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", spec.displayName().c_str(), message.c_str());
  return code;
}

std::variant<Flags, int> parseCommand(const CommandSpec& spec, const std::vector<std::string>& args) {
  auto flags = Flags::parse(withHelp(spec.flags), args);
  std::string hint = "; run '" + spec.displayName() + " --help'";
  if (!flags.isOk()) return commandError(spec, 2, flags.status().message() + hint);
  if (flags->has("help")) {
    std::fputs(commandHelp(spec).c_str(), stdout);
    return 0;
  }
  if (!spec.positionals && !flags->positionals().empty())
    return commandError(spec, 2, "unexpected argument \"" + flags->positionals().front().substr(0, 64) + "\"" + hint);
  return std::move(*flags);
}

}  // namespace paymesh::cli
