#include "model/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <sstream>

#include "model/field_path.h"

namespace paymesh::model {

int YamlDocument::lineOf(const std::string& path) const {
  std::string p = path;
  while (true) {
    auto it = lines.find(p);
    if (it != lines.end()) return it->second;
    if (p.empty()) return line;
    // Strip the last ".key", "[key]" or "[i]".
    size_t cut = p.find_last_of(".[");
    if (p.back() == ']') cut = p.rfind('[');
    p = cut == std::string::npos ? "" : p.substr(0, cut);
  }
}

namespace {

using nlohmann::json;

struct Converter {
  const YamlLimits& limits;
  std::map<std::string, int>& lines;
  size_t nodes = 0;

  static std::string where(const YAML::Mark& m) { return "line " + std::to_string(m.line + 1); }

  // YAML 1.1 scalars, as Kubernetes' YAML decoder resolves plain (unquoted) scalars.
  static json plainScalar(const std::string& s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    static const char* kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
    static const char* kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
    for (const char* t : kTrue) {
      if (s == t) return true;
    }
    for (const char* f : kFalse) {
      if (s == f) return false;
    }
    // Integers: decimal with optional sign, 0x hex, 0o / leading-0 octal.
    std::string_view v = s;
    bool neg = false;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
      neg = v[0] == '-';
      v.remove_prefix(1);
    }
    if (!v.empty()) {
      int base = 10;
      std::string_view digits = v;
      if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        digits = v.substr(2);
      } else if (v.size() > 2 && v[0] == '0' && v[1] == 'o') {
        base = 8;
        digits = v.substr(2);
      }
      uint64_t u = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
      if (ptr == digits.data() + digits.size() && !digits.empty()) {
        if (ec == std::errc()) {
          if (!neg) {
            if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
            return u;
          }
          if (u <= static_cast<uint64_t>(INT64_MAX) + 1) return static_cast<int64_t>(0 - u);
        }
        // Out of range: a float, which integer fields then reject with their bounds.
        return neg ? -HUGE_VAL : HUGE_VAL;
      }
    }
    // Floats.
    bool floaty = !v.empty();
    bool digit_seen = false;
    for (char c : v) {
      if (c >= '0' && c <= '9') digit_seen = true;
      else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') floaty = false;
    }
    if (floaty && digit_seen && (v[0] == '.' || (v[0] >= '0' && v[0] <= '9'))) {
      try {
        size_t used = 0;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (const std::exception&) {
        // not a float: fall through to a string
      }
    }
    if (s == ".inf" || s == ".Inf" || s == "+.inf") return HUGE_VAL;
    if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
    return s;
  }

  Status convert(const YAML::Node& node, const std::string& path, size_t depth, json& out) {
    if (++nodes > limits.max_nodes) {
      return invalidArgument(where(node.Mark()) + ": document too large: more than " +
                             std::to_string(limits.max_nodes) + " nodes (after expanding aliases)");
    }
    if (depth > limits.max_depth) {
      return invalidArgument(where(node.Mark()) + ": document nested deeper than " + std::to_string(limits.max_depth) +
                             " levels");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return Status::ok();
      case YAML::NodeType::Scalar: {
        const std::string& s = node.Scalar();
        // Quoted scalars carry the non-specific tag "!": always strings.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
          out = s;
        } else {
          out = plainScalar(s);
        }
        return Status::ok();
      }
      case YAML::NodeType::Sequence: {
        out = json::array();
        size_t i = 0;
        for (const auto& item : node) {
          std::string child = indexPath(path, i++);
          lines.emplace(child, item.Mark().line + 1);
          json v;
          RETURN_IF_ERROR(convert(item, child, depth + 1, v));
          out.push_back(std::move(v));
        }
        return Status::ok();
      }
      case YAML::NodeType::Map: {
        out = json::object();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            return invalidArgument(where(kv.first.Mark()) + ": mapping keys must be strings");
          }
          const std::string& key = kv.first.Scalar();
          if (out.contains(key)) {
            return invalidArgument(where(kv.first.Mark()) + ": duplicate key \"" + key.substr(0, 64) + "\"" +
                                   (path.empty() ? "" : " in " + path));
          }
          std::string child = childPath(path, key);
          lines.emplace(child, kv.first.Mark().line + 1);
          json v;
          RETURN_IF_ERROR(convert(kv.second, child, depth + 1, v));
          out[key] = std::move(v);
        }
        return Status::ok();
      }
    }
    return Status::ok();
  }
};

}  // namespace

Result<std::vector<YamlDocument>> parseYamlDocuments(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return invalidArgument("input too large: " + std::to_string(text.size()) + " bytes, at most " +
                           std::to_string(limits.max_bytes));
  }
  if (text.find('\0') != std::string_view::npos) {
    return invalidArgument("input is binary, not YAML or JSON (it holds NUL bytes)");
  }
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    if (e.mark.is_null()) return invalidArgument("invalid YAML: " + msg);
    return invalidArgument("line " + std::to_string(e.mark.line + 1) + ": invalid YAML: " + msg);
  } catch (const std::exception& e) {
    return invalidArgument(std::string("invalid YAML: ") + e.what());
  }
  std::vector<YamlDocument> docs;
  size_t budget_used = 0;
  for (const auto& node : nodes) {
    if (node.IsNull() || !node.IsDefined()) continue;
    YamlDocument doc;
    doc.line = node.Mark().line + 1;
    Converter conv{limits, doc.lines};
    conv.nodes = budget_used;
    try {
      RETURN_IF_ERROR(conv.convert(node, "", 0, doc.value));
    } catch (const YAML::Exception& e) {
      return invalidArgument("line " + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    budget_used = conv.nodes;
    docs.push_back(std::move(doc));
  }
  return docs;
}

namespace {

bool needsQuotes(const std::string& s) {
  if (s.empty()) return true;
  json as_plain = Converter::plainScalar(s);
  if (!as_plain.is_string()) return true;
  static const std::string kSpecialStart = "!&*-?:,[]{}#|>@`\"'%= ";
  if (kSpecialStart.find(s.front()) != std::string::npos) return true;
  if (s.back() == ' ' || s.back() == ':') return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string quote(const std::string& s) {
  // JSON string syntax is valid YAML double-quoted syntax.
  return json(s).dump();
}

template <typename J>
std::string scalar(const J& v) {
  if (v.is_string()) {
    const auto& s = v.template get_ref<const std::string&>();
    return needsQuotes(s) ? quote(s) : s;
  }
  if (v.is_null()) return "null";
  return v.dump();
}

template <typename J>
void emit(const J& v, int indent, std::ostringstream& out);

template <typename J>
void emitBlockChild(const J& v, int indent, std::ostringstream& out) {
  if (v.is_object() && !v.empty()) {
    out << "\n";
    emit(v, indent, out);
  } else if (v.is_array() && !v.empty()) {
    out << "\n";
    emit(v, indent, out);
  } else if (v.is_object()) {
    out << " {}\n";
  } else if (v.is_array()) {
    out << " []\n";
  } else {
    out << " " << scalar(v) << "\n";
  }
}

template <typename J>
void emit(const J& v, int indent, std::ostringstream& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      out << pad << (needsQuotes(key) ? quote(key) : key) << ":";
      emitBlockChild(it.value(), indent + 2, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_object() && !item.empty()) {
        // First key on the dash line, the rest indented under it.
        std::ostringstream inner;
        emit(item, indent + 2, inner);
        std::string text = inner.str();
        out << pad << "- " << text.substr(static_cast<size_t>(indent) + 2);
      } else if (item.is_array() && !item.empty()) {
        out << pad << "-\n";
        emit(item, indent + 2, out);
      } else {
        out << pad << "-";
        emitBlockChild(item, indent + 2, out);
      }
    }
  } else {
    out << pad << scalar(v) << "\n";
  }
}

}  // namespace

std::string toYaml(const nlohmann::ordered_json& value) {
  std::ostringstream out;
  emit(value, 0, out);
  return out.str();
}

std::string toYaml(const nlohmann::json& value) {
  std::ostringstream out;
  emit(value, 0, out);
  return out.str();
}

}  // namespace paymesh::model
