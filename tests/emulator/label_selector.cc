#include "emulator/label_selector.h"

#include <algorithm>
#include <cctype>

namespace paymesh::emulator {
namespace {

// Sets r.op from an operator's name in one of the two selector syntaxes; false if unknown.
bool setOperator(const std::map<std::string, Requirement::Op>& names, const std::string& op, Requirement& r) {
  auto it = names.find(op);
  if (it == names.end()) return false;
  r.op = it->second;
  return true;
}

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> splitTop(const std::string& text) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') depth++;
    if (c == ')') depth--;
    if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool validKey(const std::string& k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/'; });
}

}  // namespace

bool parseSelector(const std::string& text, Selector& out, std::string& error) {
  out.requirements.clear();
  if (trim(text).empty()) return true;
  for (const auto& raw : splitTop(text)) {
    std::string part = trim(raw);
    Requirement r;
    if (part.empty()) {
      error = "invalid selector: empty requirement in \"" + text + "\"";
      return false;
    }
    size_t pos;
    if (part[0] == '!') {
      r.key = trim(part.substr(1));
      r.op = Requirement::Op::kDoesNotExist;
    } else if ((pos = part.find("!=")) != std::string::npos) {
      r.key = trim(part.substr(0, pos));
      r.op = Requirement::Op::kNotEquals;
      r.values = {trim(part.substr(pos + 2))};
    } else if ((pos = part.find("==")) != std::string::npos) {
      r.key = trim(part.substr(0, pos));
      r.values = {trim(part.substr(pos + 2))};
    } else if ((pos = part.find('=')) != std::string::npos) {
      r.key = trim(part.substr(0, pos));
      r.values = {trim(part.substr(pos + 1))};
    } else if (part.find('(') != std::string::npos) {
      size_t open = part.find('(');
      size_t close = part.rfind(')');
      if (close == std::string::npos || close < open) {
        error = "invalid selector: unbalanced parentheses in \"" + part + "\"";
        return false;
      }
      std::string head = trim(part.substr(0, open));
      size_t sp = head.find_last_of(" \t");
      if (sp == std::string::npos) {
        error = "invalid selector: expected 'in' or 'notin' in \"" + part + "\"";
        return false;
      }
      std::string op = trim(head.substr(sp + 1));
      r.key = trim(head.substr(0, sp));
      if (!setOperator({{"in", Requirement::Op::kIn}, {"notin", Requirement::Op::kNotIn}}, op, r)) {
        error = "invalid selector: unknown operator \"" + op + "\"";
        return false;
      }
      std::string inner = part.substr(open + 1, close - open - 1);
      for (auto& v : splitTop(inner)) r.values.push_back(trim(v));
    } else {
      r.key = part;
      r.op = Requirement::Op::kExists;
    }
    if (!validKey(r.key)) {
      error = "invalid selector: bad key \"" + r.key + "\"";
      return false;
    }
    out.requirements.push_back(std::move(r));
  }
  return true;
}

bool matches(const Selector& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& r : selector.requirements) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    auto inValues = [&] { return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end(); };
    switch (r.op) {
      case Requirement::Op::kEquals:
      case Requirement::Op::kIn:
        if (!inValues()) return false;
        break;
      case Requirement::Op::kNotEquals:
      case Requirement::Op::kNotIn:
        if (inValues()) return false;
        break;
      case Requirement::Op::kExists:
        if (!has) return false;
        break;
      case Requirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::map<std::string, std::string> labelsOf(const nlohmann::json& object) {
  std::map<std::string, std::string> out;
  if (!object.contains("metadata") || !object["metadata"].contains("labels")) return out;
  for (const auto& [k, v] : object["metadata"]["labels"].items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

std::map<std::string, std::string> fieldsOf(const nlohmann::json& object, const Selector& selector) {
  std::map<std::string, std::string> out;
  for (const auto& r : selector.requirements) {
    const nlohmann::json* cur = &object;
    size_t start = 0;
    bool ok = true;
    while (ok) {
      size_t dot = r.key.find('.', start);
      std::string seg = r.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!cur->is_object() || !cur->contains(seg))
        ok = false;
      else
        cur = &(*cur)[seg];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (!ok) {
      out[r.key] = "";  // absent fields compare as empty, as the API server does
      continue;
    }
    if (cur->is_string())
      out[r.key] = cur->get<std::string>();
    else if (cur->is_primitive() && !cur->is_null())
      out[r.key] = cur->dump();
    else
      out[r.key] = "";
  }
  return out;
}

bool matchesLabelSelector(const nlohmann::json& selector, const std::map<std::string, std::string>& labels,
                          std::string& error) {
  if (selector.is_null() || (selector.is_object() && selector.empty())) return true;
  // Every member is type-checked before it is read: a selector may come from any object.
  auto fail = [&](const std::string& why) {
    error = "label selector: " + why;
    return false;
  };
  if (!selector.is_object()) return fail("must be an object");
  if (selector.contains("matchLabels")) {
    const auto& want = selector["matchLabels"];
    if (!want.is_object()) return fail("matchLabels must be an object");
    for (const auto& [k, v] : want.items()) {
      if (!v.is_string()) return fail("matchLabels." + k + " must be a string");
      auto it = labels.find(k);
      if (it == labels.end() || it->second != v.get<std::string>()) return false;
    }
  }
  if (!selector.contains("matchExpressions")) return true;
  const auto& exprs = selector["matchExpressions"];
  if (!exprs.is_array()) return fail("matchExpressions must be a list");
  for (size_t i = 0; i < exprs.size(); ++i) {
    const auto& e = exprs[i];
    const std::string at = "matchExpressions[" + std::to_string(i) + "]";
    if (!e.is_object()) return fail(at + " must be an object");
    for (const char* f : {"key", "operator"})
      if (!e.contains(f) || !e[f].is_string()) return fail(at + "." + f + " must be a string");
    Requirement r;
    r.key = e["key"].get<std::string>();
    std::string op = e["operator"].get<std::string>();
    if (!setOperator({{"In", Requirement::Op::kIn},
                      {"NotIn", Requirement::Op::kNotIn},
                      {"Exists", Requirement::Op::kExists},
                      {"DoesNotExist", Requirement::Op::kDoesNotExist}},
                     op, r)) {
      error = "unknown label selector operator \"" + op + "\"";
      return false;
    }
    if (e.contains("values")) {
      const auto& values = e["values"];
      if (!values.is_array()) return fail(at + ".values must be a list of strings");
      for (const auto& v : values) {
        if (!v.is_string()) return fail(at + ".values must be a list of strings");
        r.values.push_back(v.get<std::string>());
      }
    }
    Selector one;
    one.requirements.push_back(r);
    if (!matches(one, labels)) return false;
  }
  return true;
}

}  // namespace paymesh::emulator
