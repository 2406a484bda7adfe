#include "ring/endpoints_file.h"

#include <nlohmann/json.hpp>

namespace paymesh::ring {

namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Result<std::vector<Endpoint>> parseJsonList(std::string_view text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    return invalidArgument(std::string("endpoint list is not valid JSON: ") + e.what());
  }
  if (!doc.is_array()) return invalidArgument("endpoint list must be a JSON list");
  std::vector<Endpoint> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    const std::string where = "endpoint list [" + std::to_string(i) + "]";
    if (item.is_string()) {
      auto e = parseEndpointSpec(item.get<std::string>());
      if (!e) return e.status().withContext(where);
      out.push_back(std::move(e).value());
    } else if (item.is_object()) {
      auto key = item.find("key");
      if (key == item.end() || !key->is_string()) return invalidArgument(where + ".key: missing or not a string");
      Endpoint e{key->get<std::string>(), 1};
      if (auto w = item.find("weight"); w != item.end()) {
        if (!w->is_number_integer() || w->get<int64_t>() < 1 || w->get<int64_t>() > UINT32_MAX) {
          return invalidArgument(where + ".weight: must be an integer between 1 and 4294967295");
        }
        e.weight = static_cast<uint32_t>(w->get<int64_t>());
      }
      for (const auto& [name, value] : item.items()) {
        if (name != "key" && name != "weight") return invalidArgument(where + ": unknown field \"" + name + "\"");
      }
      out.push_back(std::move(e));
    } else {
      return invalidArgument(where + ": must be a \"KEY[=WEIGHT]\" string or a {key, weight} object");
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Endpoint>> parseEndpointList(std::string_view text) {
  if (!trim(text).empty() && trim(text).front() == '[') return parseJsonList(text);
  std::vector<Endpoint> out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto e = parseEndpointSpec(line);
    if (!e) return e.status().withContext("line " + std::to_string(line_no));
    out.push_back(std::move(e).value());
  }
  return out;
}

}  // namespace paymesh::ring
