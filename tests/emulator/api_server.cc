#include "emulator/api_server.h"

#include <algorithm>
#include <ctime>
#include <set>
#include <thread>

#include "base/base64.h"
#include "base/time_format.h"
#include "emulator/discovery.h"
#include "emulator/schema.h"
#include "emulator/strategic_merge.h"
#include "emulator/table.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

std::string reasonFor(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    default: return "InternalError";
  }
}

json statusObject(int code, const std::string& reason, const std::string& message, const json& details = nullptr) {
  json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason},
            {"code", code}};
  if (!details.is_null()) s["details"] = details;
  return s;
}

HttpResponse statusError(int code, const std::string& message, const json& details = nullptr,
                         const std::string& reason = "") {
  return jsonResponse(code, statusObject(code, reason.empty() ? reasonFor(code) : reason, message, details));
}

std::string resourceLabel(const ResourceType& t) { return t.group.empty() ? t.resource : t.resource + "." + t.group; }

HttpResponse notFoundError(const ResourceType& t, const std::string& name) {
  return statusError(404, resourceLabel(t) + " \"" + name + "\" not found",
                     {{"name", name}, {"group", t.group}, {"kind", t.resource}});
}

HttpResponse conflictError(const ResourceType& t, const std::string& name, const std::string& why) {
  return statusError(409, "Operation cannot be fulfilled on " + resourceLabel(t) + " \"" + name + "\": " + why,
                     {{"name", name}, {"group", t.group}, {"kind", t.resource}});
}

HttpResponse invalidError(const ResourceType& t, const std::string& name, const std::vector<Cause>& causes) {
  json jc = json::array();
  std::string msg;
  for (const auto& c : causes) {
    jc.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    msg += (msg.empty() ? "" : ", ") + c.field + ": " + c.message;
  }
  return statusError(422, t.kind + " \"" + name + "\" is invalid: " + (causes.size() > 1 ? "[" + msg + "]" : msg),
                     {{"name", name}, {"group", t.group}, {"kind", t.kind}, {"causes", jc}});
}

bool validDnsSubdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return std::isalnum(static_cast<unsigned char>(name.front())) &&
         std::isalnum(static_cast<unsigned char>(name.back()));
}

std::string objKey(const std::string& ns, const std::string& name) { return ns + "/" + name; }

// The shape of metadata, checked before anything reads it.
std::vector<Cause> metadataCauses(const json& obj) {
  std::vector<Cause> causes;
  if (!obj.contains("metadata")) return causes;
  const json& m = obj["metadata"];
  if (!m.is_object()) return {{"FieldValueTypeInvalid", "metadata", "Invalid value: must be an object"}};
  for (const char* f : {"name", "generateName", "namespace", "resourceVersion", "uid"}) {
    if (m.contains(f) && !m[f].is_string())
      causes.push_back({"FieldValueTypeInvalid", std::string("metadata.") + f, "Invalid value: must be a string"});
  }
  for (const char* f : {"labels", "annotations"}) {
    if (!m.contains(f) || m[f].is_null()) continue;
    bool ok = m[f].is_object();
    if (ok) {
      for (const auto& [k, v] : m[f].items()) ok = ok && v.is_string();
    }
    if (!ok)
      causes.push_back(
          {"FieldValueTypeInvalid", std::string("metadata.") + f, "Invalid value: must map strings to strings"});
  }
  if (m.contains("finalizers") && !m["finalizers"].is_null()) {
    bool ok = m["finalizers"].is_array();
    if (ok) {
      for (const auto& v : m["finalizers"]) ok = ok && v.is_string();
    }
    if (!ok)
      causes.push_back({"FieldValueTypeInvalid", "metadata.finalizers", "Invalid value: must be a list of strings"});
  }
  if (m.contains("ownerReferences") && !m["ownerReferences"].is_null()) {
    const json& refs = m["ownerReferences"];
    if (!refs.is_array()) {
      causes.push_back({"FieldValueTypeInvalid", "metadata.ownerReferences", "Invalid value: must be a list"});
    } else {
      for (size_t i = 0; i < refs.size(); ++i) {
        std::string p = "metadata.ownerReferences[" + std::to_string(i) + "]";
        if (!refs[i].is_object()) {
          causes.push_back({"FieldValueTypeInvalid", p, "Invalid value: must be an object"});
          continue;
        }
        for (const char* f : {"apiVersion", "kind", "name", "uid"}) {
          if (!refs[i].contains(f) || !refs[i][f].is_string() || refs[i][f].get<std::string>().empty())
            causes.push_back({"FieldValueRequired", p + "." + f, "Required value"});
        }
      }
    }
  }
  return causes;
}

std::string hexEncode(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

bool hexDecode(const std::string& s, std::string& out) {
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    auto v = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = v(s[i]), lo = v(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

// Everything but metadata and status: what bumps metadata.generation.
json specPart(const json& obj) {
  json copy = obj;
  copy.erase("metadata");
  copy.erase("status");
  copy.erase("apiVersion");
  copy.erase("kind");
  return copy;
}

bool parseUint(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  out = std::stoull(s);
  return true;
}

bool isWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::string rfc3339(std::chrono::system_clock::time_point t) { return formatRfc3339(t); }

Faults faultsFromJson(const json& j) {
  Faults f;
  f.seed = j.value("seed", uint64_t{1});
  f.drop_watch_every = j.value("dropWatchEvery", 0);
  f.conflict_rate = j.value("conflictRate", 0.0);
  f.throttle_rate = j.value("throttleRate", 0.0);
  f.error_rate = j.value("errorRate", 0.0);
  f.latency_ms = j.value("latencyMs", 0);
  f.read_error_rate = j.value("readErrorRate", 0.0);
  return f;
}

ApiServer::ApiServer(Options options) : options_(std::move(options)), rng_(options_.seed), fault_rng_(1) {
  for (auto& t : builtinTypes()) types_[t.key()] = t;
  auto now = rfc3339(std::chrono::system_clock::now());
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    json obj = {{"apiVersion", "v1"},
                {"kind", "Namespace"},
                {"metadata",
                 {{"name", ns},
                  {"uid", newUid()},
                  {"creationTimestamp", now},
                  {"resourceVersion", nextRv()},
                  {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                {"spec", {{"finalizers", {"kubernetes"}}}},
                {"status", {{"phase", "Active"}}}};
    objects_["/namespaces"][objKey("", ns)] = obj;
  }
  compacted_rv_ = rv_;
  reaper_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      changed_.wait_for(lock, std::chrono::milliseconds(50));
      auto tick = std::chrono::steady_clock::now();
      std::vector<std::string> due;
      for (const auto& [ns, since] : terminating_) {
        if (tick - since >= options_.namespace_finalize_delay) due.push_back(ns);
      }
      for (const auto& ns : due) {
        terminating_.erase(ns);
        finalizeDelete(types_["/v1/namespaces"], objKey("", ns), "Background");
      }
    }
  });
}

ApiServer::~ApiServer() {
  stop();
  if (reaper_.joinable()) reaper_.join();
}

std::string ApiServer::nextRv() { return std::to_string(++rv_); }

std::string ApiServer::newUid() {
  uint64_t a = rng_(), b = rng_();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(0x4000 | (a & 0x0fff)),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

void ApiServer::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  changed_.notify_all();
}

void ApiServer::setFaults(const Faults& faults) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = faults;
  fault_rng_.seed(faults.seed);
}

void ApiServer::setServerAddress(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.server_address = address;
}

void ApiServer::expireHistory() {
  std::lock_guard<std::mutex> lock(mu_);
  history_.clear();
  compacted_rv_ = rv_;
  changed_.notify_all();
}

uint64_t ApiServer::resourceVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

int ApiServer::latencyMs() {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_.latency_ms;
}

std::vector<json> ApiServer::objects(const std::string& group, const std::string& resource, const std::string& ns) {
  std::vector<json> out;
  visitObjects(group, resource, ns, [&](const json& v) {
    out.push_back(v);
    return true;
  });
  return out;
}

void ApiServer::record(const HttpRequest& req, const Route& r, bool watch) {
  if (!options_.record_requests || r.target.type == nullptr) return;
  const Target& t = r.target;
  const std::string& m = req.method;
  std::string verb = watch           ? "watch"
                     : m == "GET"    ? (t.name.empty() ? "list" : "get")
                     : m == "POST"   ? "create"
                     : m == "PUT"    ? "update"
                     : m == "PATCH"  ? "patch"
                     : m == "DELETE" ? (t.name.empty() ? "deletecollection" : "delete")
                                     : m;
  requests_.insert({req.header("user-agent"), verb, t.type->group, t.type->resource, t.subresource,
                    t.type->namespaced ? t.ns : "", watch ? "" : t.name});
}

std::set<RequestAttributes> ApiServer::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void ApiServer::visitObjects(const std::string& group, const std::string& resource, const std::string& ns,
                             const std::function<bool(const json&)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, v] : objects_[group + "/" + resource]) {
    if (!ns.empty() && v["metadata"].value("namespace", "") != ns) continue;
    if (!visit(v)) return;
  }
}

const ResourceType* ApiServer::typeByStoreKey(const std::string& store_key) const {
  for (const auto& [k, t] : types_) {
    if (storeKeyOf(t) == store_key) return &t;
  }
  return nullptr;
}

json ApiServer::withVersion(const ResourceType& type, json obj) const {
  obj["apiVersion"] = type.groupVersion();
  obj["kind"] = type.kind;
  return obj;
}

void ApiServer::emit(const std::string& store_key, const std::string& type, const json& obj, const json& old) {
  history_.push_back({rv_, store_key, type, obj, old});
  while (history_.size() > options_.history) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  changed_.notify_all();
}

ApiServer::Route ApiServer::route(const std::string& path) const {
  Route r;
  std::vector<std::string> segs;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string seg = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!seg.empty()) segs.push_back(seg);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (segs.empty()) return r;
  if (segs.size() == 1 && segs[0] == "version") return r.kind = Route::Kind::kVersion, r;
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "readyz" || segs[0] == "livez"))
    return r.kind = Route::Kind::kHealth, r;
  if (segs[0] == "emulator" && segs.size() == 2 && segs[1] == "faults") return r.kind = Route::Kind::kFaults, r;
  if (segs[0] == "openapi") {
    if (segs.size() == 2 && segs[1] == "v2") return r.kind = Route::Kind::kOpenApiV2, r;
    if (segs.size() == 2 && segs[1] == "v3") return r.kind = Route::Kind::kOpenApiV3, r;
    if (segs.size() >= 3 && segs[1] == "v3") {
      r.kind = Route::Kind::kOpenApiV3Doc;
      if (segs[2] == "api" && segs.size() == 4)
        r.version = segs[3];
      else if (segs[2] == "apis" && segs.size() == 5)
        r.group = segs[3], r.version = segs[4];
      else
        r.kind = Route::Kind::kNone;
      return r;
    }
    return r;
  }
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
  std::string prefix = r.group + "/" + r.version + "/";
  auto find = [&](const std::string& res) -> const ResourceType* {
    auto it = types_.find(prefix + res);
    return it == types_.end() ? nullptr : &it->second;
  };
  std::vector<std::string> rest(segs.begin() + static_cast<long>(i), segs.end());
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    const ResourceType* t = find(rest[2]);
    if (t && t->namespaced) {
      r.target.type = t;
      r.target.ns = rest[1];
      if (rest.size() >= 4) r.target.name = rest[3];
      if (rest.size() >= 5) r.target.subresource = rest[4];
      if (rest.size() > 5) return r;
      r.kind = Route::Kind::kResource;
      return r;
    }
  }
  const ResourceType* t = find(rest[0]);
  if (!t || rest.size() > 3) return r;
  r.target.type = t;
  if (rest.size() >= 2) r.target.name = rest[1];
  if (rest.size() >= 3) r.target.subresource = rest[2];
  if (t->namespaced && !r.target.name.empty()) return r;  // a namespaced object needs its namespace
  r.kind = Route::Kind::kResource;
  return r;
}

std::optional<HttpResponse> ApiServer::authorize(const HttpRequest& req) const {
  if (options_.token.empty() && options_.readonly_token.empty()) return std::nullopt;
  std::string auth = req.header("authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  if (!options_.token.empty() && token == options_.token) return std::nullopt;
  if (!options_.readonly_token.empty() && token == options_.readonly_token) {
    if (!isWrite(req.method)) return std::nullopt;
    return statusError(403, "user \"readonly\" cannot " + req.method + " at " + req.path);
  }
  return statusError(401, "Unauthorized");
}

std::optional<HttpResponse> ApiServer::injectedFault(const HttpRequest& req) {
  std::uniform_real_distribution<double> u(0, 1);
  if (!isWrite(req.method)) {
    if (faults_.read_error_rate > 0 && u(fault_rng_) < faults_.read_error_rate)
      return statusError(500, "injected fault: internal error on read");
    return std::nullopt;
  }
  if (faults_.error_rate > 0 && u(fault_rng_) < faults_.error_rate)
    return statusError(500, "injected fault: internal error");
  if (faults_.throttle_rate > 0 && u(fault_rng_) < faults_.throttle_rate) {
    auto r = statusError(429, "injected fault: too many requests, please try again later");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (faults_.conflict_rate > 0 && u(fault_rng_) < faults_.conflict_rate)
    return statusError(409,
                       "injected fault: Operation cannot be fulfilled: the object has been modified; please "
                       "apply your changes to the latest version and try again");
  return std::nullopt;
}

HttpResponse ApiServer::handle(const HttpRequest& req) {
  std::unique_lock<std::mutex> lock(mu_);
  try {
    return handleLocked(req, lock);
  } catch (const std::exception& e) {
    return statusError(500, std::string("internal error: ") + e.what());
  }
}

HttpResponse ApiServer::handleLocked(const HttpRequest& req, std::unique_lock<std::mutex>& lock) {
  if (auto denied = authorize(req)) return *denied;
  if (req.header("content-type").find("protobuf") != std::string::npos ||
      req.header("content-type").find("cbor") != std::string::npos) {
    return statusError(415, "the emulator speaks JSON only; unsupported content type " + req.header("content-type"));
  }
  Route r = route(req.path);
  std::vector<const ResourceType*> all;
  for (const auto& [k, t] : types_) all.push_back(&t);
  // Stable order: core first, then by group, so discovery output is deterministic.
  std::stable_sort(all.begin(), all.end(),
                   [](const ResourceType* a, const ResourceType* b) { return a->group < b->group; });
  bool get = req.method == "GET";
  switch (r.kind) {
    case Route::Kind::kVersion: return jsonResponse(200, versionInfo());
    case Route::Kind::kHealth: {
      HttpResponse ok;
      ok.content_type = "text/plain";
      ok.body = "ok";
      return ok;
    }
    case Route::Kind::kFaults:
      if (req.method != "POST" && req.method != "PUT") return statusError(405, "POST a faults document");
      try {
        faults_ = faultsFromJson(json::parse(req.body));
        fault_rng_.seed(faults_.seed);
        if (json::parse(req.body).value("expireHistory", false)) {
          history_.clear();
          compacted_rv_ = rv_;
        }
      } catch (const std::exception& e) {
        return statusError(400, std::string("bad faults document: ") + e.what());
      }
      return jsonResponse(200, {{"status", "ok"}});
    case Route::Kind::kApi: return jsonResponse(200, apiVersions(options_.server_address));
    case Route::Kind::kApis: return jsonResponse(200, apiGroupList(all));
    case Route::Kind::kApiGroup: {
      json g = apiGroup(all, r.group);
      if (g["versions"].empty()) return statusError(404, "the server could not find the requested resource");
      return jsonResponse(200, g);
    }
    case Route::Kind::kGroupVersion: {
      json l = apiResourceList(all, r.group.empty() ? r.version : r.group + "/" + r.version);
      if (l["resources"].empty()) return statusError(404, "the server could not find the requested resource");
      return jsonResponse(200, l);
    }
    case Route::Kind::kOpenApiV2:
      // kubectl falls back to v2 only when v3 is missing; we serve v3.
      return statusError(404, "the emulator serves /openapi/v3 only");
    case Route::Kind::kOpenApiV3: return jsonResponse(200, openApiV3Index(all));
    case Route::Kind::kOpenApiV3Doc: {
      std::string gv = r.group.empty() ? r.version : r.group + "/" + r.version;
      return jsonResponse(200, openApiV3Document(all, gv));
    }
    case Route::Kind::kResource:
      (void)get;
      record(req, r, false);
      return handleResource(req, r, lock);
    case Route::Kind::kNone: break;
  }
  return statusError(404, "the server could not find the requested resource");
}

HttpResponse ApiServer::handleResource(const HttpRequest& req, const Route& r, std::unique_lock<std::mutex>& lock) {
  const Target& t = r.target;
  if (!t.subresource.empty() && !(t.subresource == "status" && t.type->has_status))
    return statusError(404, "the server could not find the requested resource");
  if (auto fault = injectedFault(req)) return *fault;
  const std::string& m = req.method;
  if (t.name.empty()) {
    if (m == "GET") return list(req, t);
    if (m == "POST") return create(req, t, lock);
    if (m == "DELETE") return removeCollection(req, t);
  } else {
    if (m == "GET") return get(req, t);
    if (m == "PUT") return update(req, t);
    if (m == "PATCH") return patch(req, t);
    if (m == "DELETE" && t.subresource.empty()) return remove(req, t);
  }
  return statusError(405, "the server does not allow this method on the requested resource");
}

bool ApiServer::isWatch(const HttpRequest& req) const {
  if (req.method != "GET") return false;
  std::string w = req.param("watch");
  if (w == "true" || w == "1") return true;
  return req.path.find("/watch/") != std::string::npos;
}

HttpResponse ApiServer::get(const HttpRequest& req, const Target& t) {
  auto& objs = objects_[storeKeyOf(*t.type)];
  auto it = objs.find(objKey(t.type->namespaced ? t.ns : "", t.name));
  if (it == objs.end()) return notFoundError(*t.type, t.name);
  json obj = withVersion(*t.type, it->second);
  if (req.header("accept").find("as=Table") != std::string::npos) {
    return jsonResponse(200, toTable(*t.type, {obj}, req.param("includeObject"), std::chrono::system_clock::now(),
                                     {{"resourceVersion", obj["metadata"]["resourceVersion"]}}));
  }
  return jsonResponse(200, obj);
}

HttpResponse ApiServer::list(const HttpRequest& req, const Target& t) {
  Selector labels, fields;
  std::string error;
  if (!parseSelector(req.param("labelSelector"), labels, error)) return statusError(400, error);
  if (!parseSelector(req.param("fieldSelector"), fields, error)) return statusError(400, error);
  uint64_t limit = 0;
  if (!req.param("limit").empty() && !parseUint(req.param("limit"), limit))
    return statusError(400, "invalid limit \"" + req.param("limit") + "\"");
  // A continue token holds the first page's resourceVersion and the last key served. Later
  // pages show current objects (not a snapshot) but report the first page's
  // resourceVersion, so a watch from it replays whatever changed in between.
  std::string after;
  uint64_t list_rv = rv_;
  if (!req.param("continue").empty()) {
    std::string token = req.param("continue"), decoded;
    size_t slash = std::string::npos;
    if (token.size() < 2 || token[0] != 'c' || !hexDecode(token.substr(1), decoded) ||
        (slash = decoded.find('|')) == std::string::npos || !parseUint(decoded.substr(0, slash), list_rv))
      return statusError(400, "invalid continue token \"" + token + "\"");
    after = decoded.substr(slash + 1);
    if (list_rv < compacted_rv_)
      return statusError(410,
                         "The provided continue parameter is too old to display a consistent list result. "
                         "You can start a new list without the continue parameter.");
  }
  auto& objs = objects_[storeKeyOf(*t.type)];
  json items = json::array();
  std::string last_key;
  // As kube-apiserver: remainingItemCount only for unfiltered lists; a filtered list stops
  // at the first match past the page (so a page costs its own size, not the whole store).
  bool filtered = !labels.empty() || !fields.empty();
  bool more = false;
  size_t remaining = 0;
  auto it = after.empty() ? objs.begin() : objs.upper_bound(after);
  for (; it != objs.end(); ++it) {
    const json& obj = it->second;
    if (t.type->namespaced && !t.ns.empty() && obj["metadata"].value("namespace", "") != t.ns) continue;
    if (!labels.empty() && !matches(labels, labelsOf(obj))) continue;
    if (!fields.empty() && !matches(fields, fieldsOf(obj, fields))) continue;
    if (limit > 0 && items.size() >= limit) {
      more = true;
      ++remaining;
      if (filtered) break;
      continue;
    }
    items.push_back(withVersion(*t.type, obj));
    last_key = it->first;
  }
  json meta = {{"resourceVersion", std::to_string(list_rv)}};
  if (more) {
    meta["continue"] = "c" + hexEncode(std::to_string(list_rv) + "|" + last_key);
    if (!filtered) meta["remainingItemCount"] = remaining;
  }
  if (req.header("accept").find("as=Table") != std::string::npos) {
    return jsonResponse(200, toTable(*t.type, items.get_ref<const json::array_t&>(), req.param("includeObject"),
                                     std::chrono::system_clock::now(), meta));
  }
  json out = {{"kind", t.type->kind + "List"}, {"apiVersion", t.type->groupVersion()}, {"metadata", meta}};
  out["items"] = std::move(items);
  return jsonResponse(200, out);
}

HttpResponse ApiServer::validateAndNormalize(const ResourceType& type, json& obj, bool creating) {
  std::string name = obj["metadata"].value("name", "");
  std::vector<Cause> causes;
  if (!type.schema.is_null()) {
    prune(type.schema, obj);
    applyDefaults(type.schema, obj);
    validate(type.schema, obj, "", causes);
  }
  if (type.kind == "Pod") {
    const json& spec = obj.value("spec", json::object());
    if (!spec.contains("containers") || !spec["containers"].is_array() || spec["containers"].empty()) {
      causes.push_back({"FieldValueRequired", "spec.containers", "Required value"});
    } else {
      for (size_t i = 0; i < spec["containers"].size(); ++i) {
        const auto& c = spec["containers"][i];
        std::string p = "spec.containers[" + std::to_string(i) + "]";
        if (!c.is_object() || c.value("name", "").empty())
          causes.push_back({"FieldValueRequired", p + ".name", "Required value"});
        if (!c.is_object() || c.value("image", "").empty())
          causes.push_back({"FieldValueRequired", p + ".image", "Required value"});
      }
    }
  }
  if (type.kind == "CustomResourceDefinition" && creating) {
    CrdTypes crd = typesFromCrd(obj);
    if (!crd.error.empty()) {
      auto colon = crd.error.find(':');
      causes.push_back({"FieldValueInvalid", crd.error.substr(0, colon), crd.error.substr(colon + 2)});
    }
  }
  if (!causes.empty()) return invalidError(type, name, causes);
  return HttpResponse{};
}

std::optional<HttpResponse> ApiServer::admit(const ResourceType& type, json& obj, std::unique_lock<std::mutex>& lock) {
  if (type.kind != "Pod" || !options_.webhook_caller) return std::nullopt;
  std::vector<json> configs;
  for (const auto& [k, v] : objects_["admissionregistration.k8s.io/mutatingwebhookconfigurations"])
    configs.push_back(v);
  std::string ns = obj["metadata"].value("namespace", "");
  json ns_obj =
      objects_["/namespaces"].count(objKey("", ns)) ? objects_["/namespaces"][objKey("", ns)] : json::object();
  std::string uid = newUid();
  lock.unlock();
  std::optional<HttpResponse> result;
  for (const auto& cfg : configs) {
    for (const auto& hook : cfg.value("webhooks", json::array())) {
      bool rule_match = false;
      for (const auto& rule : hook.value("rules", json::array())) {
        auto has = [&](const char* field, const std::string& want) {
          for (const auto& v : rule.value(field, json::array())) {
            if (v == "*" || v == want) return true;
          }
          return false;
        };
        if (has("operations", "CREATE") && has("apiGroups", "") && has("apiVersions", "v1") && has("resources", "pods"))
          rule_match = true;
      }
      if (!rule_match) continue;
      std::string err;
      if (!matchesLabelSelector(hook.value("namespaceSelector", json::object()), labelsOf(ns_obj), err)) continue;
      if (!matchesLabelSelector(hook.value("objectSelector", json::object()), labelsOf(obj), err)) continue;
      bool fail_closed = hook.value("failurePolicy", "Fail") == "Fail";
      const json& cc = hook.value("clientConfig", json::object());
      std::string url = cc.value("url", "");
      std::string server_name;
      if (url.empty() && cc.contains("service")) {
        const auto& s = cc["service"];
        auto it = options_.service_hosts.find(s.value("name", "") + "." + s.value("namespace", ""));
        if (it != options_.service_hosts.end()) url = "https://" + it->second + s.value("path", "/");
        server_name = s.value("name", "") + "." + s.value("namespace", "") + ".svc";
      }
      std::string ca;
      if (cc.contains("caBundle") && cc["caBundle"].is_string()) {
        auto decoded = paymesh::base64Decode(cc["caBundle"].get<std::string>());
        if (decoded.isOk()) ca = decoded.value();
      }
      json review = {{"apiVersion", "admission.k8s.io/v1"},
                     {"kind", "AdmissionReview"},
                     {"request",
                      {{"uid", uid},
                       {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                       {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
                       {"requestKind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                       {"requestResource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
                       {"name", obj["metadata"].value("name", "")},
                       {"namespace", ns},
                       {"operation", "CREATE"},
                       {"userInfo", {{"username", "system:admin"}, {"groups", {"system:masters"}}}},
                       {"object", obj},
                       {"oldObject", nullptr},
                       {"dryRun", false},
                       {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
      std::string hook_name = hook.value("name", "");
      WebhookResult res;
      if (url.empty())
        res.error = "no reachable clientConfig (url, or a service mapped in service_hosts)";
      else
        res = options_.webhook_caller(url, ca, std::chrono::seconds(hook.value("timeoutSeconds", 10)), review,
                                      server_name);
      if (res.error.empty()) {
        const json& resp = res.review.value("response", json::object());
        if (resp.value("uid", "") != uid)
          res.error = "response uid does not match the request uid";
        else if (!resp.value("allowed", false)) {
          const json& st = resp.value("status", json::object());
          result = statusError(st.value("code", 403), "admission webhook \"" + hook_name + "\" denied the request: " +
                                                          st.value("message", std::string("denied")));
          break;
        } else if (resp.contains("patch")) {
          auto decoded = resp["patch"].is_string() ? paymesh::base64Decode(resp["patch"].get<std::string>())
                                                   : Result<std::string>(invalidArgument("patch is not a string"));
          if (!decoded.isOk()) {
            res.error = "bad JSONPatch: " + decoded.status().message();
          } else {
            try {
              obj = obj.patch(json::parse(decoded.value()));
            } catch (const std::exception& e) {
              res.error = std::string("bad JSONPatch: ") + e.what();
            }
          }
        }
      }
      if (!res.error.empty() && fail_closed) {
        result =
            statusError(500, "Internal error occurred: failed calling webhook \"" + hook_name + "\": " + res.error);
        break;
      }
    }
    if (result) break;
  }
  lock.lock();
  return result;
}

HttpResponse ApiServer::create(const HttpRequest& req, const Target& t, std::unique_lock<std::mutex>& lock) {
  json obj;
  try {
    obj = json::parse(req.body);
  } catch (const std::exception& e) {
    return statusError(400, std::string("the request body is not JSON: ") + e.what());
  }
  if (!obj.is_object()) return statusError(400, "the request body must be a JSON object");
  const ResourceType& type = *t.type;
  if (obj.contains("kind") && obj["kind"] != type.kind)
    return statusError(400, "the kind \"" + obj["kind"].dump() + "\" does not match " + type.kind);
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, "", causes);
  obj = withVersion(type, obj);
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& meta = obj["metadata"];
  std::string ns = type.namespaced ? t.ns : "";
  if (type.namespaced) {
    std::string body_ns = meta.value("namespace", "");
    if (!body_ns.empty() && body_ns != ns)
      return statusError(400, "the namespace of the provided object does not match the namespace sent on the request");
    meta["namespace"] = ns;
    if (!objects_["/namespaces"].count(objKey("", ns)))
      return statusError(404, "namespaces \"" + ns + "\" not found", {{"name", ns}, {"kind", "namespaces"}});
    if (terminating_.count(ns))
      return statusError(403, "unable to create new content in namespace " + ns + " because it is being terminated");
  } else {
    meta.erase("namespace");
  }
  if (meta.value("name", "").empty()) {
    std::string gen = meta.value("generateName", "");
    if (gen.empty())
      return invalidError(
          type, "", {{"FieldValueRequired", "metadata.name", "Required value: name or generateName is required"}});
    static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string suffix;
    for (int i = 0; i < 5; ++i) suffix += alphabet[rng_() % 27];
    meta["name"] = gen + suffix;
  }
  std::string name = meta["name"];
  if (!validDnsSubdomain(name))
    return invalidError(type, name,
                        {{"FieldValueInvalid", "metadata.name",
                          "Invalid value: \"" + name +
                              "\": a lowercase RFC 1123 subdomain must consist of "
                              "lower case alphanumeric characters, '-' or '.'"}});
  if (type.has_status && type.kind != "Namespace") obj.erase("status");
  HttpResponse invalid = validateAndNormalize(type, obj, true);
  if (invalid.status != 200) return invalid;
  if (auto rejected = admit(type, obj, lock)) return *rejected;
  if (!obj.is_object() || !obj.contains("metadata")) obj["metadata"] = json::object();
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, name, causes);
  auto& objs = objects_[storeKeyOf(type)];
  std::string key = objKey(ns, name);
  if (objs.count(key)) {
    return statusError(409, resourceLabel(type) + " \"" + name + "\" already exists",
                       {{"name", name}, {"group", type.group}, {"kind", type.resource}}, "AlreadyExists");
  }
  if (type.has_status && type.kind != "Namespace" && obj.contains("status")) obj.erase("status");
  // Admission may have replaced `obj`: take the metadata afresh.
  json& admitted = obj["metadata"];
  admitted["uid"] = newUid();
  admitted["creationTimestamp"] = rfc3339(std::chrono::system_clock::now());
  admitted["generation"] = 1;
  admitted.erase("deletionTimestamp");
  admitted.erase("resourceVersion");
  if (type.kind == "Pod") obj["status"] = {{"phase", "Pending"}};
  if (type.kind == "Namespace") {
    obj["status"] = {{"phase", "Active"}};
    obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
  }
  if (type.kind == "CustomResourceDefinition") {
    obj["status"] = {{"conditions",
                      {{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}},
                       {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"}}}},
                     {"acceptedNames", obj["spec"]["names"]}};
  }
  obj["metadata"]["resourceVersion"] = nextRv();
  if (req.param("dryRun").empty()) {
    objs[key] = obj;
    emit(storeKeyOf(type), "ADDED", obj);
    if (type.kind == "CustomResourceDefinition") registerCrd(obj);
  }
  return jsonResponse(201, obj);
}

HttpResponse ApiServer::commitUpdate(const Target& t, json obj, bool check_rv) {
  const ResourceType& type = *t.type;
  std::string ns = type.namespaced ? t.ns : "";
  auto& objs = objects_[storeKeyOf(type)];
  std::string key = objKey(ns, t.name);
  auto it = objs.find(key);
  if (it == objs.end()) return notFoundError(type, t.name);
  const json old = it->second;
  if (!obj.is_object()) return statusError(400, "the request body must be a JSON object");
  if (auto causes = metadataCauses(obj); !causes.empty()) return invalidError(type, t.name, causes);
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  std::string body_name = obj["metadata"].value("name", t.name);
  obj["metadata"]["name"] = t.name;
  if (body_name != t.name)
    return statusError(
        400, "the name of the object (" + body_name + ") does not match the name on the URL (" + t.name + ")");
  std::string rv = obj["metadata"].value("resourceVersion", "");
  if (check_rv && !rv.empty() && rv != old["metadata"].value("resourceVersion", "")) {
    return conflictError(type, t.name,
                         "the object has been modified; please apply your changes to the latest version and try again");
  }
  if (obj.contains("kind") && obj["kind"] != type.kind)
    return statusError(400, "the kind \"" + obj["kind"].dump() + "\" does not match " + type.kind);
  obj = withVersion(type, obj);
  if (t.subresource == "status") {
    json next = old;
    next["status"] = obj.contains("status") ? obj["status"] : json(nullptr);
    if (next["status"].is_null()) next.erase("status");
    obj = next;
  } else if (type.has_status) {
    if (old.contains("status"))
      obj["status"] = old["status"];
    else
      obj.erase("status");
  }
  json& meta = obj["metadata"];
  for (const char* f : {"uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    if (old["metadata"].contains(f))
      meta[f] = old["metadata"][f];
    else
      meta.erase(f);
  }
  if (type.namespaced) meta["namespace"] = ns;
  // Once deletion started, finalizers can only be removed.
  HttpResponse invalid = validateAndNormalize(type, obj, false);
  if (invalid.status != 200) return invalid;
  if (specPart(obj) != specPart(old)) meta["generation"] = old["metadata"].value("generation", 0) + 1;
  meta["resourceVersion"] = old["metadata"]["resourceVersion"];
  if (obj == old) return jsonResponse(200, obj);  // a no-op write changes nothing, not even the resourceVersion
  meta["resourceVersion"] = nextRv();
  it->second = obj;
  emit(storeKeyOf(type), "MODIFIED", obj, old);
  if (type.kind == "CustomResourceDefinition") registerCrd(obj);
  bool finalizers_empty = !meta.contains("finalizers") || meta["finalizers"].empty();
  if (meta.contains("deletionTimestamp") && finalizers_empty) finalizeDelete(type, key, "Background");
  return jsonResponse(200, obj);
}

HttpResponse ApiServer::update(const HttpRequest& req, const Target& t) {
  json obj;
  try {
    obj = json::parse(req.body);
  } catch (const std::exception& e) {
    return statusError(400, std::string("the request body is not JSON: ") + e.what());
  }
  return commitUpdate(t, obj, true);
}

HttpResponse ApiServer::patch(const HttpRequest& req, const Target& t) {
  std::string ct = req.header("content-type");
  ct = ct.substr(0, ct.find(';'));
  json p;
  try {
    p = json::parse(req.body);
  } catch (const std::exception& e) {
    return statusError(400, std::string("the patch is not JSON: ") + e.what());
  }
  auto& objs = objects_[storeKeyOf(*t.type)];
  auto it = objs.find(objKey(t.type->namespaced ? t.ns : "", t.name));
  if (it == objs.end()) return notFoundError(*t.type, t.name);
  json obj = it->second;
  try {
    if (ct == "application/merge-patch+json") {
      if (!p.is_object()) return statusError(400, "a merge patch must be a JSON object");
      obj.merge_patch(p);
    } else if (ct == "application/json-patch+json") {
      if (!p.is_array()) return statusError(400, "a JSON patch must be an array of operations");
      obj = obj.patch(p);
    } else if (ct == "application/strategic-merge-patch+json") {
      if (!t.type->crd_name.empty())
        return statusError(415, "strategic merge patch is not supported for custom resources");
      if (!p.is_object()) return statusError(400, "a strategic merge patch must be a JSON object");
      strategicMerge(obj, p);
    } else {
      return statusError(415,
                         "the body of the request was in an unknown format - accepted media types include: "
                         "application/json-patch+json, application/merge-patch+json, "
                         "application/strategic-merge-patch+json (server-side apply is not supported)");
    }
  } catch (const std::exception& e) {
    return statusError(422, std::string("the patch could not be applied: ") + e.what());
  }
  // A patch carries a resourceVersion only when the caller asked for a precondition.
  bool check =
      p.is_object() && p.contains("metadata") && p["metadata"].is_object() && p["metadata"].contains("resourceVersion");
  if (!check) obj["metadata"]["resourceVersion"] = it->second["metadata"]["resourceVersion"];
  return commitUpdate(t, obj, true);
}

HttpResponse ApiServer::remove(const HttpRequest& req, const Target& t) {
  json opts = json::object();
  if (!req.body.empty()) {
    try {
      opts = json::parse(req.body);
    } catch (const std::exception& e) {
      return statusError(400, std::string("the DeleteOptions are not JSON: ") + e.what());
    }
  }
  std::string propagation = opts.value("propagationPolicy", req.param("propagationPolicy"));
  if (propagation.empty()) propagation = "Background";
  if (propagation != "Background" && propagation != "Foreground" && propagation != "Orphan")
    return statusError(400, "invalid propagationPolicy \"" + propagation + "\"");
  std::string key = objKey(t.type->namespaced ? t.ns : "", t.name);
  return deleteObject(*t.type, key, propagation, opts.value("preconditions", json::object()));
}

HttpResponse ApiServer::removeCollection(const HttpRequest& req, const Target& t) {
  Selector labels;
  std::string error;
  if (!parseSelector(req.param("labelSelector"), labels, error)) return statusError(400, error);
  std::vector<std::string> keys;
  for (const auto& [k, v] : objects_[storeKeyOf(*t.type)]) {
    if (t.type->namespaced && !t.ns.empty() && v["metadata"].value("namespace", "") != t.ns) continue;
    if (matches(labels, labelsOf(v))) keys.push_back(k);
  }
  json items = json::array();
  for (const auto& k : keys) {
    auto r = deleteObject(*t.type, k, "Background", json::object());
    if (r.status == 200) items.push_back(json::parse(r.body));
  }
  return jsonResponse(200, {{"kind", t.type->kind + "List"},
                            {"apiVersion", t.type->groupVersion()},
                            {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                            {"items", items}});
}

HttpResponse ApiServer::deleteObject(const ResourceType& type, const std::string& key, const std::string& propagation,
                                     const json& preconditions) {
  auto& objs = objects_[storeKeyOf(type)];
  auto it = objs.find(key);
  std::string name = key.substr(key.find('/') + 1);
  if (it == objs.end()) return notFoundError(type, name);
  const json& meta = it->second["metadata"];
  if (preconditions.contains("uid") && preconditions["uid"].is_string() && preconditions["uid"] != meta["uid"]) {
    return conflictError(type, name,
                         "Precondition failed: UID in precondition: " + preconditions["uid"].get<std::string>() +
                             ", UID in object meta: " + meta.value("uid", ""));
  }
  if (preconditions.contains("resourceVersion") && preconditions["resourceVersion"].is_string() &&
      preconditions["resourceVersion"] != meta["resourceVersion"]) {
    return conflictError(
        type, name,
        "Precondition failed: ResourceVersion in precondition: " + preconditions["resourceVersion"].get<std::string>() +
            ", ResourceVersion in object meta: " + meta.value("resourceVersion", ""));
  }
  bool has_finalizers = meta.contains("finalizers") && !meta["finalizers"].empty() && type.kind != "Namespace";
  if (type.kind == "Namespace") {
    // Terminating first; the reaper removes the contents and then the namespace.
    if (!meta.contains("deletionTimestamp")) {
      json old = it->second;
      it->second["metadata"]["deletionTimestamp"] = rfc3339(std::chrono::system_clock::now());
      it->second["status"]["phase"] = "Terminating";
      it->second["metadata"]["resourceVersion"] = nextRv();
      emit(storeKeyOf(type), "MODIFIED", it->second, old);
      terminating_[name] = std::chrono::steady_clock::now();
    }
    return jsonResponse(200, it->second);
  }
  if (has_finalizers) {
    if (!meta.contains("deletionTimestamp")) {
      json old = it->second;
      it->second["metadata"]["deletionTimestamp"] = rfc3339(std::chrono::system_clock::now());
      it->second["metadata"]["deletionGracePeriodSeconds"] = 0;
      it->second["metadata"]["resourceVersion"] = nextRv();
      emit(storeKeyOf(type), "MODIFIED", it->second, old);
    }
    return jsonResponse(200, it->second);
  }
  json last = it->second;
  finalizeDelete(type, key, propagation);
  last["metadata"]["resourceVersion"] = std::to_string(rv_);
  return jsonResponse(200, last);
}

void ApiServer::finalizeDelete(const ResourceType& type, const std::string& key, const std::string& propagation) {
  auto& objs = objects_[storeKeyOf(type)];
  auto it = objs.find(key);
  if (it == objs.end()) return;
  json obj = it->second;
  objs.erase(it);
  obj["metadata"]["resourceVersion"] = nextRv();
  emit(storeKeyOf(type), "DELETED", obj);
  std::string uid = obj["metadata"].value("uid", "");
  if (type.kind == "Namespace") {
    // The contents go with the namespace, finalizers and all.
    std::string ns = obj["metadata"].value("name", "");
    for (auto& [store_key, items] : objects_) {
      std::vector<std::string> doomed;
      for (const auto& [k, v] : items) {
        if (v["metadata"].value("namespace", "") == ns) doomed.push_back(k);
      }
      for (const auto& k : doomed) {
        json gone = items[k];
        items.erase(k);
        gone["metadata"]["resourceVersion"] = nextRv();
        emit(store_key, "DELETED", gone);
      }
    }
  }
  if (type.kind == "CustomResourceDefinition") unregisterCrd(obj["metadata"].value("name", ""));
  collectGarbage(uid, propagation);
}

void ApiServer::collectGarbage(const std::string& owner_uid, const std::string& propagation) {
  if (owner_uid.empty()) return;
  std::vector<std::pair<std::string, std::string>> dependents;  // store key, object key
  for (const auto& [store_key, items] : objects_) {
    for (const auto& [k, v] : items) {
      for (const auto& ref : v["metadata"].value("ownerReferences", json::array())) {
        if (ref.value("uid", "") == owner_uid) dependents.emplace_back(store_key, k);
      }
    }
  }
  std::set<std::string> live_uids;
  for (const auto& [store_key, items] : objects_) {
    for (const auto& [k, v] : items) live_uids.insert(v["metadata"].value("uid", ""));
  }
  for (const auto& [store_key, k] : dependents) {
    auto& items = objects_[store_key];
    auto it = items.find(k);
    if (it == items.end()) continue;
    json old = it->second;
    json refs = json::array();
    bool other_live_owner = false;
    for (const auto& ref : old["metadata"]["ownerReferences"]) {
      if (ref.value("uid", "") == owner_uid) continue;
      refs.push_back(ref);
      if (live_uids.count(ref.value("uid", ""))) other_live_owner = true;
    }
    const ResourceType* type = typeByStoreKey(store_key);
    if (propagation == "Orphan" || other_live_owner || !type) {
      it->second["metadata"]["ownerReferences"] = refs;
      if (refs.empty()) it->second["metadata"].erase("ownerReferences");
      it->second["metadata"]["resourceVersion"] = nextRv();
      emit(store_key, "MODIFIED", it->second, old);
      continue;
    }
    deleteObject(*type, k, "Background", json::object());
  }
}

void ApiServer::registerCrd(const json& crd) {
  CrdTypes ct = typesFromCrd(crd);
  std::string name = crd["metadata"].value("name", "");
  for (auto it = types_.begin(); it != types_.end();) {
    if (it->second.crd_name == name)
      it = types_.erase(it);
    else
      ++it;
  }
  for (auto& t : ct.types) types_[t.key()] = t;
}

void ApiServer::unregisterCrd(const std::string& crd_name) {
  std::string store_key;
  for (auto it = types_.begin(); it != types_.end();) {
    if (it->second.crd_name == crd_name) {
      store_key = storeKeyOf(it->second);
      it = types_.erase(it);
    } else {
      ++it;
    }
  }
  if (store_key.empty()) return;
  for (auto& [k, v] : objects_[store_key]) {
    json gone = v;
    gone["metadata"]["resourceVersion"] = nextRv();
    emit(store_key, "DELETED", gone);
  }
  objects_.erase(store_key);
}

std::optional<HttpResponse> ApiServer::streamWatch(const HttpRequest& req,
                                                   const std::function<bool(const std::string&)>& write) {
  std::unique_lock<std::mutex> lock(mu_);
  if (auto denied = authorize(req)) return *denied;
  Route r = route(req.path);
  if (r.kind != Route::Kind::kResource || (!r.target.name.empty() && !r.legacy_watch))
    return statusError(404, "the server could not find the requested resource");
  record(req, r, true);
  if (auto fault = injectedFault(req)) return *fault;
  const ResourceType type = *r.target.type;  // a copy: the CRD may go away while we stream
  std::string ns = type.namespaced ? r.target.ns : "";
  Selector labels, fields;
  std::string error;
  if (!parseSelector(req.param("labelSelector"), labels, error)) return statusError(400, error);
  if (!parseSelector(req.param("fieldSelector"), fields, error)) return statusError(400, error);
  if (r.legacy_watch && !r.target.name.empty()) {
    fields.requirements.push_back({"metadata.name", Requirement::Op::kEquals, {r.target.name}});
  }
  bool bookmarks = req.param("allowWatchBookmarks") == "true";
  uint64_t timeout_s = 1800;
  if (!req.param("timeoutSeconds").empty() && !parseUint(req.param("timeoutSeconds"), timeout_s))
    return statusError(400, "invalid timeoutSeconds");
  std::string from_text = req.param("resourceVersion");
  uint64_t from = 0;
  if (!from_text.empty() && !parseUint(from_text, from))
    return statusError(400, "invalid resourceVersion \"" + from_text + "\"");
  const std::string store_key = storeKeyOf(type);
  int drop_every = faults_.drop_watch_every;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  auto selected = [&](const json& obj) {
    if (!ns.empty() && obj["metadata"].value("namespace", "") != ns) return false;
    return matches(labels, labelsOf(obj)) && matches(fields, fieldsOf(obj, fields));
  };
  bool as_table = req.header("accept").find("as=Table") != std::string::npos;
  std::string include_object = req.param("includeObject");
  auto line = [&](const std::string& event_type, const json& obj) {
    json o = withVersion(type, obj);
    if (as_table) o = toTable(type, {o}, include_object, std::chrono::system_clock::now(), json::object());
    return json{{"type", event_type}, {"object", o}}.dump() + "\n";
  };
  lock.unlock();
  if (!write("")) return std::nullopt;  // the response head goes out before the first event
  lock.lock();
  std::vector<std::string> batch;
  uint64_t last = from;
  if (from == 0) {
    for (const auto& [k, v] : objects_[store_key]) {
      if (selected(v)) batch.push_back(line("ADDED", v));
    }
    last = rv_;
  }
  int sent = 0;
  auto next_bookmark = std::chrono::steady_clock::now() + options_.bookmark_interval;
  while (!stopping_) {
    if (last < compacted_rv_) {
      json st = statusObject(
          410, "Expired",
          "too old resource version: " + std::to_string(last) + " (" + std::to_string(compacted_rv_) + ")");
      std::string l = json{{"type", "ERROR"}, {"object", st}}.dump() + "\n";
      lock.unlock();
      write(l);
      return std::nullopt;
    }
    auto pos =
        std::upper_bound(history_.begin(), history_.end(), last, [](uint64_t v, const Event& e) { return v < e.rv; });
    for (; pos != history_.end(); ++pos) {
      const Event& e = *pos;
      last = e.rv;
      if (e.store_key != store_key) continue;
      bool now_in = selected(e.object);
      if (e.type == "MODIFIED") {
        bool was_in = selected(e.old);
        if (now_in && !was_in)
          batch.push_back(line("ADDED", e.object));
        else if (!now_in && was_in)
          batch.push_back(line("DELETED", e.object));
        else if (now_in)
          batch.push_back(line("MODIFIED", e.object));
      } else if (now_in) {
        batch.push_back(line(e.type, e.object));
      }
    }
    last = std::max(last, rv_);  // every event up to rv_ has been looked at
    if (!batch.empty()) {
      std::vector<std::string> out;
      out.swap(batch);
      lock.unlock();
      for (const auto& l : out) {
        if (!write(l)) return std::nullopt;
        if (drop_every > 0 && ++sent >= drop_every) return std::nullopt;  // injected fault: drop the stream
      }
      lock.lock();
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    if (now >= next_bookmark) {
      next_bookmark = now + options_.bookmark_interval;
      if (bookmarks) {
        json bm = {{"kind", type.kind},
                   {"apiVersion", type.groupVersion()},
                   {"metadata", {{"resourceVersion", std::to_string(last)}}}};
        std::string l = json{{"type", "BOOKMARK"}, {"object", bm}}.dump() + "\n";
        lock.unlock();
        if (!write(l)) return std::nullopt;
        lock.lock();
        continue;
      }
    }
    changed_.wait_until(lock, std::min(deadline, next_bookmark));
  }
  return std::nullopt;
}

}  // namespace paymesh::emulator
