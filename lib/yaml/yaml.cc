#include "yaml/yaml.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "base/field_path.h"

namespace paymesh::yaml {

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

// YAML 1.1 scalars, as Kubernetes' YAML decoder resolves plain (unquoted) scalars.
json plainScalar(const std::string& s) {
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
    if (c >= '0' && c <= '9')
      digit_seen = true;
    else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
      floaty = false;
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

// Line (1-based) of the first byte that is not well-formed UTF-8, or 0 when all is.
// JSON, YAML and the API server all require UTF-8; catching it here keeps every later
// step (and every error message that quotes a value) on valid text.
int firstInvalidUtf8Line(std::string_view text) {
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return line;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 0x2) return line;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return line;
    }
    i += len;
  }
  return 0;
}

// Builds JSON values from libyaml's event stream with an explicit stack: no recursion,
// so nesting depth costs heap, not stack, and is bounded by YamlLimits::max_depth.
class EventBuilder {
public:
  EventBuilder(const YamlLimits& limits, std::vector<YamlDocument>& docs) : limits_(limits), docs_(docs) {}

  // Feeds one event; returns an error for input paymesh refuses (limits, duplicate keys).
  Status onEvent(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        stack_.clear();
        anchors_.clear();
        doc_ = YamlDocument();
        doc_.line = static_cast<int>(e.start_mark.line) + 1;
        have_root_ = false;
        return Status::ok();
      case YAML_DOCUMENT_END_EVENT:
        if (have_root_ && !doc_.value.is_null()) docs_.push_back(std::move(doc_));
        return Status::ok();
      case YAML_SCALAR_EVENT: {
        std::string text(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        int line = static_cast<int>(e.start_mark.line) + 1;
        if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
          return takeKey(std::move(text), line);
        }
        RETURN_IF_ERROR(count(1, line));
        if (stack_.empty()) doc_.line = line;
        json v;
        const char* tag = reinterpret_cast<const char*>(e.data.scalar.tag);
        bool is_str_tag =
            tag != nullptr && (std::string_view(tag) == "!" || std::string_view(tag) == "tag:yaml.org,2002:str");
        if (e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || is_str_tag) {
          v = std::move(text);
        } else {
          v = plainScalar(text);
        }
        return complete(std::move(v), anchorOf(e.data.scalar.anchor), 1, line);
      }
      case YAML_ALIAS_EVENT: {
        int line = static_cast<int>(e.start_mark.line) + 1;
        std::string name = anchorOf(e.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) return invalidArgument(where(line) + ": unknown alias *" + name.substr(0, 64));
        if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
          if (!it->second.value.is_string()) return invalidArgument(where(line) + ": mapping keys must be strings");
          return takeKey(it->second.value.get<std::string>(), line);
        }
        RETURN_IF_ERROR(count(it->second.nodes, line));
        if (stack_.empty()) doc_.line = line;
        Anchor copy = it->second;
        return complete(std::move(copy.value), "", copy.nodes, line);
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        int line = static_cast<int>(e.start_mark.line) + 1;
        bool is_map = e.type == YAML_MAPPING_START_EVENT;
        if (!stack_.empty() && stack_.back().is_map && !stack_.back().key) {
          return invalidArgument(where(line) + ": mapping keys must be strings");
        }
        RETURN_IF_ERROR(count(1, line));
        if (stack_.size() + 1 > limits_.max_depth) {
          return invalidArgument(where(line) + ": document nested deeper than " + std::to_string(limits_.max_depth) +
                                 " levels");
        }
        if (stack_.empty()) doc_.line = line;
        Frame f;
        f.line = line;
        f.is_map = is_map;
        f.value = is_map ? json::object() : json::array();
        f.path = childPathHere();
        f.anchor = anchorOf(is_map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
        f.start_nodes = nodes_;
        stack_.push_back(std::move(f));
        return Status::ok();
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.is_map) RETURN_IF_ERROR(applyMergeKey(f, static_cast<int>(e.start_mark.line) + 1));
        size_t n = nodes_ - f.start_nodes + 1;
        return complete(std::move(f.value), f.anchor, n, f.line);
      }
      default: return Status::ok();
    }
  }

private:
  struct Frame {
    bool is_map = false;
    json value;
    std::string path;
    std::optional<std::string> key;  // map: the key waiting for its value
    size_t index = 0;                // sequence: next item's index
    std::string anchor;
    size_t start_nodes = 0;
    int line = 0;  // where the node starts
  };
  struct Anchor {
    json value;
    size_t nodes = 1;
  };

  static std::string where(int line) { return "line " + std::to_string(line); }
  static std::string anchorOf(const yaml_char_t* a) { return a ? reinterpret_cast<const char*>(a) : ""; }

  Status count(size_t n, int line) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      return invalidArgument(where(line) + ": document too large: more than " + std::to_string(limits_.max_nodes) +
                             " nodes (after expanding aliases)");
    }
    return Status::ok();
  }

  // Path of the node about to start under the top frame.
  std::string childPathHere() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    return top.is_map ? childPath(top.path, top.key.value_or("")) : indexPath(top.path, top.index);
  }

  Status takeKey(std::string key, int line) {
    Frame& top = stack_.back();
    if (top.value.contains(key)) {
      return invalidArgument(where(line) + ": duplicate key \"" + key.substr(0, 64) + "\"" +
                             (top.path.empty() ? "" : " in " + top.path));
    }
    doc_.lines.emplace(childPath(top.path, key), line);
    top.key = std::move(key);
    return Status::ok();
  }

  Status complete(json value, const std::string& anchor, size_t nodes, int line) {
    if (!anchor.empty()) anchors_[anchor] = Anchor{value, nodes};
    if (stack_.empty()) {
      doc_.value = std::move(value);
      have_root_ = true;
      return Status::ok();
    }
    Frame& top = stack_.back();
    if (top.is_map) {
      top.value[*top.key] = std::move(value);
      top.key.reset();
    } else {
      if (line > 0) doc_.lines.emplace(indexPath(top.path, top.index), line);
      top.value.push_back(std::move(value));
      ++top.index;
    }
    return Status::ok();
  }

  // YAML merge keys ("<<: *base"), as Kubernetes' YAML decoder applies them: keys of the
  // merged mapping(s) that the mapping does not set itself.
  static Status applyMergeKey(Frame& f, int line) {
    auto it = f.value.find("<<");
    if (it == f.value.end()) return Status::ok();
    json merged = std::move(*it);
    f.value.erase("<<");
    std::vector<json> sources;
    if (merged.is_object()) {
      sources.push_back(std::move(merged));
    } else if (merged.is_array()) {
      for (auto& m : merged) sources.push_back(std::move(m));
    }
    for (const auto& src : sources) {
      if (!src.is_object()) return invalidArgument(where(line) + ": a merge key (<<) must refer to mappings");
      for (auto& [k, v] : src.items()) {
        if (!f.value.contains(k)) f.value[k] = v;
      }
    }
    return Status::ok();
  }

  const YamlLimits& limits_;
  std::vector<YamlDocument>& docs_;
  YamlDocument doc_;
  bool have_root_ = false;
  std::vector<Frame> stack_;
  std::map<std::string, Anchor> anchors_;
  size_t nodes_ = 0;  // across the whole stream
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
  if (int bad = firstInvalidUtf8Line(text); bad != 0) {
    return invalidArgument("line " + std::to_string(bad) + ": input is not valid UTF-8");
  }
  // Without aliases a document cannot hold more nodes than about half its bytes; a
  // budget tied to the input size stops alias bombs long before they cost anything.
  YamlLimits effective = limits;
  effective.max_nodes = std::min(limits.max_nodes, 4 * text.size() + 1024);

  std::vector<YamlDocument> docs;
  EventBuilder builder(effective, docs);
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return internalError("cannot initialize the YAML parser");
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  Status status;
  bool done = false;
  while (!done && status.isOk()) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::string problem = parser.problem ? parser.problem : "malformed input";
      if (parser.context) problem = std::string(parser.context) + ": " + problem;
      size_t line = (parser.problem ? parser.problem_mark.line : parser.context_mark.line) + 1;
      status = invalidArgument("line " + std::to_string(line) + ": invalid YAML: " + problem);
      break;
    }
    status = builder.onEvent(event);
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (!status.isOk()) return status;
  return docs;
}

namespace {

// A plain scalar that starts with a letter reads back as a string unless it is one of
// the null or boolean words: integers, floats and infinities start with a digit, a sign
// or a dot. Most keys and values start with a letter; this spares them plainScalar.
bool isNullOrBoolWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "null", "Null",  "NULL",  "true",  "True", "TRUE", "yes", "Yes", "YES", "on",  "On", "ON", "y",
      "Y",    "false", "False", "FALSE", "no",   "No",   "NO",  "off", "Off", "OFF", "n",  "N"};
  for (std::string_view w : kWords) {
    if (s == w) return true;
  }
  return false;
}

bool readsBackAsString(const std::string& s) {
  unsigned char c = static_cast<unsigned char>(s.front());
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return !isNullOrBoolWord(s);
  return plainScalar(s).is_string();
}

bool needsQuotes(const std::string& s) {
  if (s.empty() || !readsBackAsString(s)) return true;
  static constexpr std::string_view kSpecialStart = "!&*-?:,[]{}#|>@`\"'%= ";
  if (kSpecialStart.find(s.front()) != std::string_view::npos) return true;
  if (s.back() == ' ' || s.back() == ':') return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// JSON string syntax is valid YAML double-quoted syntax.
void appendQuoted(const std::string& s, std::string& out) { out += json(s).dump(); }

void appendString(const std::string& s, std::string& out) {
  if (needsQuotes(s))
    appendQuoted(s, out);
  else
    out += s;
}

template <typename J>
void appendScalar(const J& v, std::string& out) {
  if (v.is_string())
    appendString(v.template get_ref<const std::string&>(), out);
  else if (v.is_null())
    out += "null";
  else
    out += v.dump();
}

void appendPad(int indent, std::string& out) { out.append(static_cast<size_t>(indent), ' '); }

// Multi-line text (a config file inside a ConfigMap) prints as a literal block, line
// for line, when that reads back exactly; otherwise it is quoted.
bool literalBlockFits(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  }
  // YAML infers the block's indentation from its first line, which must not start
  // with a space (checked above); later lines may.
  return true;
}

void emitLiteralBlock(std::string_view s, int indent, std::string& out) {
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '\n') --end;
  size_t trailing = s.size() - end;
  out += trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n";
  std::string_view body = s.substr(0, end);
  size_t start = 0;
  while (start <= body.size()) {
    size_t nl = body.find('\n', start);
    std::string_view line = body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty()) {
      appendPad(indent, out);
      out += line;
    }
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out.append(trailing > 1 ? trailing - 1 : 0, '\n');
}

template <typename J>
void emit(const J& v, int indent, bool after_dash, std::string& out);

template <typename J>
void emitBlockChild(const J& v, int indent, std::string& out) {
  if (v.is_string() && literalBlockFits(v.template get_ref<const std::string&>())) {
    emitLiteralBlock(v.template get_ref<const std::string&>(), indent, out);
  } else if ((v.is_object() || v.is_array()) && !v.empty()) {
    out += '\n';
    emit(v, indent, false, out);
  } else if (v.is_object()) {
    out += " {}\n";
  } else if (v.is_array()) {
    out += " []\n";
  } else {
    out += ' ';
    appendScalar(v, out);
    out += '\n';
  }
}

// after_dash: the first line continues a "- " already written (an object in a list
// prints its first key on the dash line, the rest indented under it).
template <typename J>
void emit(const J& v, int indent, bool after_dash, std::string& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!after_dash || it != v.begin()) appendPad(indent, out);
      appendString(it.key(), out);
      out += ':';
      emitBlockChild(it.value(), indent + 2, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      appendPad(indent, out);
      if (item.is_object() && !item.empty()) {
        out += "- ";
        emit(item, indent + 2, true, out);
      } else if (item.is_array() && !item.empty()) {
        out += "-\n";
        emit(item, indent + 2, false, out);
      } else {
        out += '-';
        emitBlockChild(item, indent + 2, out);
      }
    }
  } else {
    appendPad(indent, out);
    appendScalar(v, out);
    out += '\n';
  }
}

}  // namespace

std::string toYaml(const nlohmann::ordered_json& value) {
  std::string out;
  emit(value, 0, false, out);
  return out;
}

std::string toYaml(const nlohmann::json& value) {
  std::string out;
  emit(value, 0, false, out);
  return out;
}

}  // namespace paymesh::yaml
