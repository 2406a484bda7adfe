#include "model/manifest.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace paymesh::model {

namespace fs = std::filesystem;

std::string Manifest::kind() const {
  return doc.value.is_object() && doc.value.contains("kind") && doc.value["kind"].is_string()
             ? doc.value["kind"].get<std::string>()
             : "";
}

std::string Manifest::apiVersion() const {
  return doc.value.is_object() && doc.value.contains("apiVersion") && doc.value["apiVersion"].is_string()
             ? doc.value["apiVersion"].get<std::string>()
             : "";
}

std::string Manifest::name() const {
  if (!doc.value.is_object()) return "";
  auto m = doc.value.find("metadata");
  if (m == doc.value.end() || !m->is_object()) return "";
  auto n = m->find("name");
  return n != m->end() && n->is_string() ? n->get<std::string>() : "";
}

std::string Manifest::namespaceOr(const std::string& fallback) const {
  if (!doc.value.is_object()) return fallback;
  auto m = doc.value.find("metadata");
  if (m == doc.value.end() || !m->is_object()) return fallback;
  auto n = m->find("namespace");
  return n != m->end() && n->is_string() ? n->get<std::string>() : fallback;
}

namespace {

// "line 12: msg" -> "FILE:12: msg"; anything else -> "FILE: msg".
Status atFile(const Status& s, const std::string& file) {
  const std::string& m = s.message();
  if (m.rfind("line ", 0) == 0) {
    size_t colon = m.find(':');
    if (colon != std::string::npos) {
      return {s.code(), file + ":" + m.substr(5, colon - 5) + m.substr(colon)};
    }
  }
  return {s.code(), file + ": " + m};
}

void expandLists(std::vector<Manifest>& out, Manifest m) {
  if (m.kind() == "List" && m.doc.value.contains("items") && m.doc.value["items"].is_array()) {
    const auto& items = m.doc.value["items"];
    for (size_t i = 0; i < items.size(); ++i) {
      Manifest item;
      item.file = m.file;
      item.doc.value = items[i];
      std::string prefix = "items[" + std::to_string(i) + "]";
      item.doc.line = m.doc.lineOf(prefix);
      for (const auto& [path, line] : m.doc.lines) {
        if (path.rfind(prefix, 0) != 0) continue;
        std::string rest = path.substr(prefix.size());
        if (!rest.empty() && rest[0] == '.') rest = rest.substr(1);
        item.doc.lines[rest] = line;
      }
      expandLists(out, std::move(item));
    }
    return;
  }
  out.push_back(std::move(m));
}

Result<std::string> readFile(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, path + ": cannot open: " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return unavailable(path + ": read error");
  return buf.str();
}

}  // namespace

Result<std::vector<Manifest>> parseManifests(const std::string& text, const std::string& file, bool expand_lists) {
  auto docs = yaml::parseYamlDocuments(text);
  if (!docs.isOk()) return atFile(docs.status(), file);
  std::vector<Manifest> out;
  for (auto& d : *docs) {
    Manifest m;
    m.file = file;
    m.doc = std::move(d);
    if (expand_lists)
      expandLists(out, std::move(m));
    else
      out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<Manifest>> readManifests(const std::string& path, bool expand_lists) {
  std::error_code ec;
  if (path != "-" && fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string ext = it->path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(it->path().string());
    }
    if (ec) return Status(Code::kNotFound, path + ": cannot read directory: " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<Manifest> out;
    for (const auto& f : files) {
      ASSIGN_OR_RETURN(std::string text, readFile(f));
      ASSIGN_OR_RETURN(auto ms, parseManifests(text, f, expand_lists));
      for (auto& m : ms) out.push_back(std::move(m));
    }
    return out;
  }
  if (path != "-" && !fs::exists(path, ec)) return Status(Code::kNotFound, path + ": no such file or directory");
  ASSIGN_OR_RETURN(std::string text, readFile(path));
  return parseManifests(text, path, expand_lists);
}

}  // namespace paymesh::model
