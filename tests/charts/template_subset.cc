#include "charts/template_subset.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace paymesh::testing {

using Json = nlohmann::json;

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

int lineOf(const std::string& text, size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

std::string scalarText(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() || v.is_array()) return v.dump();
  return v.dump();  // numbers and booleans as Helm prints them
}

bool emptyValue(const Json& v) {
  return v.is_null() || (v.is_string() && v.get<std::string>().empty()) || (v.is_boolean() && !v.get<bool>()) ||
         ((v.is_object() || v.is_array()) && v.empty());
}

void emitYaml(const Json& v, int indent, std::ostringstream& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  auto scalar = [](const Json& s) { return s.is_string() ? s.dump() : scalarText(s); };
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const Json& c = it.value();
      if ((c.is_object() || c.is_array()) && !c.empty()) {
        out << pad << it.key() << ":\n";
        emitYaml(c, indent + 2, out);
      } else {
        out << pad << it.key() << ": " << (c.is_object() ? "{}" : c.is_array() ? "[]" : scalar(c)) << "\n";
      }
    }
  } else if (v.is_array()) {
    for (const auto& c : v) {
      if ((c.is_object() || c.is_array()) && !c.empty()) {
        out << pad << "-\n";
        emitYaml(c, indent + 2, out);
      } else {
        out << pad << "- " << scalar(c) << "\n";
      }
    }
  } else {
    out << pad << scalar(v) << "\n";
  }
}

}  // namespace

std::string toYaml(const Json& value) {
  std::ostringstream out;
  emitYaml(value, 0, out);
  std::string s = out.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();  // as Helm's toYaml
  return s;
}

Result<std::map<std::string, std::string>> parseHelpers(const std::string& text, const std::string& file) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while ((pos = text.find("{{- define \"", pos)) != std::string::npos) {
    size_t name_start = pos + 12, name_end = text.find('"', name_start);
    size_t body_start = text.find("-}}", name_end);
    size_t end = text.find("{{- end }}", body_start);
    if (name_end == std::string::npos || body_start == std::string::npos || end == std::string::npos)
      return invalidArgument(file + ":" + std::to_string(lineOf(text, pos)) + ": unterminated define");
    out[text.substr(name_start, name_end - name_start)] = trim(text.substr(body_start + 3, end - body_start - 3));
    pos = end;
  }
  return out;
}

Result<std::string> renderTemplate(const std::string& text, const std::string& file, const ChartContext& ctx) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    size_t close = text.find("}}", open);
    std::string where = file + ":" + std::to_string(lineOf(text, open));
    if (close == std::string::npos) return invalidArgument(where + ": unterminated action");
    out += text.substr(pos, open - pos);
    std::string action = text.substr(open + 2, close - open - 2);
    bool trim_left = !action.empty() && action.front() == '-';
    bool trim_right = !action.empty() && action.back() == '-';
    if (trim_left) {
      action.erase(0, 1);
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    }
    if (trim_right) action.pop_back();
    pos = close + 2;
    if (trim_right)
      while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    auto unsupported = [&] { return invalidArgument(where + ": unsupported template action {{" + action + "}}"); };

    // A path: .Release.X, .Chart.X, .Values.a.b; a literal: "text".
    auto resolve = [&](const std::string& path) -> std::optional<Json> {
      if (path.size() >= 2 && path.front() == '"' && path.back() == '"') return Json(path.substr(1, path.size() - 2));
      if (path == ".Release.Namespace") return Json(ctx.release_namespace);
      if (path == ".Release.Name") return Json(ctx.release_name);
      if (path == ".Release.Service") return Json("Helm");
      std::vector<std::string> parts;
      std::istringstream in(path);
      for (std::string p; std::getline(in, p, '.');) parts.push_back(p);
      if (parts.size() < 3 || !parts[0].empty()) return std::nullopt;
      const Json* cur = nullptr;
      if (parts[1] == "Values") {
        cur = &ctx.values;
      } else if (parts[1] == "Chart") {
        cur = &ctx.chart;
        parts[2][0] = static_cast<char>(std::tolower(static_cast<unsigned char>(parts[2][0])));  // AppVersion
      } else {
        return std::nullopt;
      }
      for (size_t i = 2; i < parts.size(); ++i) {
        if (!cur->is_object() || !cur->contains(parts[i])) return Json();
        cur = &(*cur)[parts[i]];
      }
      return *cur;
    };

    std::vector<std::string> stages;
    {
      std::istringstream in(action);
      for (std::string st; std::getline(in, st, '|');) stages.push_back(trim(st));
    }
    if (stages.empty()) return unsupported();
    auto head = words(stages[0]);
    Json value;
    if (head.size() == 1) {
      auto v = resolve(head[0]);
      if (!v) return unsupported();
      value = *v;
    } else if (head.size() == 3 && head[0] == "include" && head[2] == ".") {
      std::string name = head[1].size() >= 2 ? head[1].substr(1, head[1].size() - 2) : "";
      auto it = ctx.helpers.find(name);
      if (it == ctx.helpers.end()) return invalidArgument(where + ": no helper \"" + name + "\"");
      auto body = renderTemplate(it->second, file + " (" + name + ")", ctx);
      if (!body.isOk()) return body.status();
      value = *body;
    } else if (head.size() == 2 && head[0] == "toYaml") {
      auto v = resolve(head[1]);
      if (!v) return unsupported();
      value = toYaml(*v);
    } else {
      return unsupported();
    }
    for (size_t i = 1; i < stages.size(); ++i) {
      auto w = words(stages[i]);
      if (w.size() == 1 && w[0] == "quote") {
        value = Json(scalarText(value)).dump();
      } else if (w.size() == 2 && w[0] == "default") {
        auto fallback = resolve(w[1]);
        if (!fallback) return unsupported();
        if (emptyValue(value)) value = *fallback;
      } else if (w.size() == 2 && w[0] == "nindent") {
        std::string pad(static_cast<size_t>(std::stoi(w[1])), ' ');
        std::string text_value = scalarText(value), indented = "\n" + pad;
        for (char c : text_value) indented += c == '\n' ? "\n" + pad : std::string(1, c);
        value = indented;
      } else {
        return unsupported();
      }
    }
    out += scalarText(value);
  }
  return out;
}

}  // namespace paymesh::testing
