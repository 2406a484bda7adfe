#include "emulator/router.h"

#include <vector>

namespace paymesh::emulator {
namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> segs;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string seg = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!seg.empty()) segs.push_back(seg);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segs;
}

Route openApiRoute(const std::vector<std::string>& segs) {
  Route r;
  if (segs.size() == 2 && segs[1] == "v2") return r.kind = Route::Kind::kOpenApiV2, r;
  if (segs.size() == 2 && segs[1] == "v3") return r.kind = Route::Kind::kOpenApiV3, r;
  if (segs.size() >= 3 && segs[1] == "v3") {
    if (segs[2] == "api" && segs.size() == 4) {
      r.version = segs[3];
      r.kind = Route::Kind::kOpenApiV3Doc;
    } else if (segs[2] == "apis" && segs.size() == 5) {
      r.group = segs[3];
      r.version = segs[4];
      r.kind = Route::Kind::kOpenApiV3Doc;
    }
  }
  return r;
}

// What follows /api/<v> or /apis/<g>/<v>: [namespaces/<ns>/]<resource>[/<name>[/<sub>]].
Route resourceRoute(Route r, const std::vector<std::string>& rest, const TypeRegistry& types) {
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    const ResourceType* t = types.find(r.group, r.version, rest[2]);
    if (t && t->namespaced) {
      r.target.type = t;
      r.target.ns = rest[1];
      if (rest.size() >= 4) r.target.name = rest[3];
      if (rest.size() >= 5) r.target.subresource = rest[4];
      if (rest.size() <= 5) r.kind = Route::Kind::kResource;
      return r;
    }
  }
  const ResourceType* t = types.find(r.group, r.version, rest[0]);
  if (!t || rest.size() > 3) return r;
  r.target.type = t;
  if (rest.size() >= 2) r.target.name = rest[1];
  if (rest.size() >= 3) r.target.subresource = rest[2];
  if (t->namespaced && !r.target.name.empty()) return r;  // a namespaced object needs its namespace
  r.kind = Route::Kind::kResource;
  return r;
}

}  // namespace

Route route(const std::string& path, const TypeRegistry& types) {
  Route r;
  std::vector<std::string> segs = segments(path);
  if (segs.empty()) return r;
  if (segs.size() == 1 && segs[0] == "version") return r.kind = Route::Kind::kVersion, r;
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "readyz" || segs[0] == "livez"))
    return r.kind = Route::Kind::kHealth, r;
  if (segs[0] == "emulator" && segs.size() == 2 && segs[1] == "faults") return r.kind = Route::Kind::kFaults, r;
  if (segs[0] == "openapi") return openApiRoute(segs);
  size_t i;
  if (segs[0] == "api") {
    if (segs.size() == 1) return r.kind = Route::Kind::kApi, r;
    r.version = segs[1];
    i = 2;
  } else if (segs[0] == "apis") {
    if (segs.size() == 1) return r.kind = Route::Kind::kApis, r;
    r.group = segs[1];
    if (segs.size() == 2) return r.kind = Route::Kind::kApiGroup, r;
    r.version = segs[2];
    i = 3;
  } else {
    return r;
  }
  if (segs.size() == i) return r.kind = Route::Kind::kGroupVersion, r;
  if (segs[i] == "watch") {
    r.legacy_watch = true;
    ++i;
    if (segs.size() == i) return r;
  }
  return resourceRoute(r, std::vector<std::string>(segs.begin() + static_cast<long>(i), segs.end()), types);
}

bool isWriteMethod(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace paymesh::emulator
