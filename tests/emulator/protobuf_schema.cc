#include "emulator/protobuf_schema.h"

#include <sstream>
#include <stdexcept>

namespace paymesh::emulator {
namespace {

const std::map<std::string, ProtoKind> kBaseKinds = {{"s", ProtoKind::kString},
                                                     {"b", ProtoKind::kBytes},
                                                     {"i", ProtoKind::kInt},
                                                     {"bool", ProtoKind::kBool},
                                                     {"Time", ProtoKind::kTime},
                                                     {"MicroTime", ProtoKind::kMicroTime},
                                                     {"IntOrString", ProtoKind::kIntOrString},
                                                     {"Quantity", ProtoKind::kQuantity},
                                                     {"FieldsV1", ProtoKind::kFieldsV1}};

bool consume(std::string& s, const std::string& prefix) {
  if (s.rfind(prefix, 0) != 0) return false;
  s.erase(0, prefix.size());
  return true;
}

// "<number> <jsonName> <type>", the type as "[...][*][[] | map:]base".
ProtoField parseField(const std::string& text) {
  std::istringstream in(text);
  std::string number, type, extra;
  ProtoField f;
  if (!(in >> number >> f.json_name >> type) || (in >> extra)) throw std::runtime_error("bad field \"" + text + "\"");
  f.number = static_cast<uint32_t>(std::stoul(number));
  f.inlined = consume(type, "...");
  f.pointer = consume(type, "*");
  f.repeated = consume(type, "[]");
  f.map = consume(type, "map:");
  auto base = kBaseKinds.find(type);
  if (base != kBaseKinds.end()) {
    f.kind = base->second;
  } else {
    f.kind = ProtoKind::kMessage;
    f.message = type;
  }
  if (f.inlined && f.kind != ProtoKind::kMessage) throw std::runtime_error("only messages inline: \"" + text + "\"");
  return f;
}

// Logical lines: a line that starts with white space continues the one before.
std::vector<std::pair<size_t, std::string>> logicalLines(std::string_view text) {
  std::vector<std::pair<size_t, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty())
      out.back().second += " " + line;
    else
      out.emplace_back(n, line);
  }
  return out;
}

}  // namespace

ProtoSchema ProtoSchema::parse(std::string_view text, std::string& error) {
  ProtoSchema schema;
  for (const auto& [n, line] : logicalLines(text)) {
    try {
      size_t colon = line.find(':');
      if (colon == std::string::npos) throw std::runtime_error("no ':' after the message name");
      ProtoMessage m;
      m.name = line.substr(0, colon);
      std::istringstream fields(line.substr(colon + 1));
      for (std::string f; std::getline(fields, f, ';');) {
        if (f.find_first_not_of(' ') == std::string::npos) continue;
        ProtoField field = parseField(f);
        if (!m.fields.emplace(field.number, field).second)
          throw std::runtime_error("field " + std::to_string(field.number) + " twice");
      }
      if (!schema.messages_.emplace(m.name, m).second) throw std::runtime_error("message " + m.name + " twice");
    } catch (const std::exception& e) {
      error = "line " + std::to_string(n) + ": " + e.what();
      return {};
    }
  }
  for (const auto& [name, m] : schema.messages_) {
    for (const auto& [num, f] : m.fields) {
      if (f.kind == ProtoKind::kMessage && !schema.find(f.message)) {
        error = name + "." + f.json_name + ": no message " + f.message;
        return {};
      }
    }
  }
  return schema;
}

const ProtoMessage* ProtoSchema::find(const std::string& name) const {
  auto it = messages_.find(name);
  return it == messages_.end() ? nullptr : &it->second;
}

const ProtoSchema& kubernetesProtoSchema() {
  static const ProtoSchema schema = [] {
    std::string error;
    ProtoSchema s = ProtoSchema::parse(protobufMessageTable(), error);
    if (!error.empty()) throw std::logic_error("protobuf_messages.txt: " + error);
    return s;
  }();
  return schema;
}

}  // namespace paymesh::emulator
