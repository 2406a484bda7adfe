#include "emulator/table.h"

#include "base/time_format.h"
#include "emulator/api_server.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

json cellFor(const json& v, const std::string& type, std::chrono::system_clock::time_point now) {
  if (v.is_null()) return "<none>";
  if (type == "date" && v.is_string()) {
    auto t = parseRfc3339(v.get<std::string>());
    if (!t) return v;
    return humanAge(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
  }
  if (type == "string" && !v.is_string()) return v.dump();
  if (v.is_array() || v.is_object()) return v.dump();
  return v;
}

}  // namespace

std::string humanAge(std::chrono::seconds age) {
  long s = std::max<long>(0, static_cast<long>(age.count()));
  if (s < 120) return std::to_string(s) + "s";
  if (s < 3600 * 2) return std::to_string(s / 60) + "m";
  if (s < 86400 * 2) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

json evalJsonPath(const json& obj, const std::string& path) {
  const json* cur = &obj;
  size_t i = 0;
  if (!path.empty() && path[0] == '{') return evalJsonPath(obj, path.substr(1, path.size() - 2));
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      std::string field = path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      if (!cur->is_object() || !cur->contains(field)) return nullptr;
      cur = &(*cur)[field];
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string::npos) return nullptr;
      std::string inner = path.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!cur->is_array()) return nullptr;
      if (inner.rfind("?(@.", 0) == 0) {
        // ?(@.key=="value")
        size_t eq = inner.find("==");
        if (eq == std::string::npos) return nullptr;
        std::string key = inner.substr(4, eq - 4);
        std::string val = inner.substr(eq + 2);
        if (!val.empty() && val.back() == ')') val.pop_back();
        if (val.size() >= 2 && (val[0] == '"' || val[0] == '\'')) val = val.substr(1, val.size() - 2);
        const json* found = nullptr;
        for (const auto& item : *cur) {
          if (item.is_object() && item.contains(key) && item[key].is_string() && item[key].get<std::string>() == val) {
            found = &item;
            break;
          }
        }
        if (!found) return nullptr;
        cur = found;
      } else {
        size_t idx = 0;
        try {
          idx = std::stoul(inner);
        } catch (...) {
          return nullptr;
        }
        if (idx >= cur->size()) return nullptr;
        cur = &(*cur)[idx];
      }
    } else {
      return nullptr;
    }
  }
  return *cur;
}

json toTable(const ResourceType& type, const std::vector<json>& items, const std::string& include_object,
             std::chrono::system_clock::time_point now, const json& list_metadata) {
  json columns = json::array();
  columns.push_back({{"name", "Name"},
                     {"type", "string"},
                     {"format", "name"},
                     {"description", "Name must be unique within a namespace."},
                     {"priority", 0}});
  std::vector<std::pair<std::string, std::string>> extra;  // jsonPath, type
  bool crd_columns = type.printer_columns.is_array() && !type.printer_columns.empty();
  if (crd_columns) {
    for (const auto& c : type.printer_columns) {
      columns.push_back({{"name", c.value("name", "")},
                         {"type", c.value("type", "string")},
                         {"format", c.value("format", "")},
                         {"description", c.value("description", "")},
                         {"priority", c.value("priority", 0)}});
      extra.emplace_back(c.value("jsonPath", ""), c.value("type", "string"));
    }
  } else {
    if (type.kind == "Pod") {
      columns.push_back(
          {{"name", "Status"}, {"type", "string"}, {"format", ""}, {"description", "Pod phase"}, {"priority", 0}});
      extra.emplace_back(".status.phase", "string");
    }
    columns.push_back(
        {{"name", "Age"}, {"type", "string"}, {"format", ""}, {"description", "Time since creation"}, {"priority", 0}});
    extra.emplace_back(".metadata.creationTimestamp", "date");
  }
  json rows = json::array();
  for (const auto& item : items) {
    json cells = json::array();
    cells.push_back(item["metadata"].value("name", ""));
    for (const auto& [path, t] : extra) cells.push_back(cellFor(evalJsonPath(item, path), t, now));
    json row = {{"cells", cells}};
    if (include_object == "Object") {
      row["object"] = item;
    } else if (include_object != "None") {
      row["object"] = {
          {"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", item["metadata"]}};
    }
    rows.push_back(row);
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", list_metadata},
          {"columnDefinitions", columns},
          {"rows", rows}};
}

}  // namespace paymesh::emulator
