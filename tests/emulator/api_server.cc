#include "emulator/api_server.h"

#include "base/time_format.h"
#include "emulator/deletion.h"
#include "emulator/discovery.h"
#include "emulator/reads.h"
#include "emulator/request_decoding.h"
#include "emulator/status_errors.h"
#include "emulator/watch.h"
#include "emulator/writes.h"

namespace paymesh::emulator {

using nlohmann::json;

std::string rfc3339(std::chrono::system_clock::time_point t) { return formatRfc3339(t); }

ApiServer::ApiServer(Options options) : state_(std::move(options)) {
  auto now = rfc3339(std::chrono::system_clock::now());
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    json obj = {{"apiVersion", "v1"},
                {"kind", "Namespace"},
                {"metadata",
                 {{"name", ns},
                  {"uid", state_.store.newUid()},
                  {"creationTimestamp", now},
                  {"resourceVersion", state_.store.nextRv()},
                  {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                {"spec", {{"finalizers", {"kubernetes"}}}},
                {"status", {{"phase", "Active"}}}};
    state_.store.objects("/namespaces")[objectKey("", ns)] = obj;
  }
  state_.store.expireHistory();  // nothing to replay before the seeded namespaces
  reaper_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!state_.stopping) {
      state_.store.changed().wait_for(lock, std::chrono::milliseconds(50));
      finalizeDueNamespaces(state_, std::chrono::steady_clock::now());
    }
  });
}

ApiServer::~ApiServer() {
  stop();
  if (reaper_.joinable()) reaper_.join();
}

void ApiServer::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  state_.stopping = true;
  state_.store.changed().notify_all();
}

void ApiServer::setFaults(const Faults& faults) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.faults.set(faults);
}

void ApiServer::setServerAddress(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.options.server_address = address;
}

void ApiServer::expireHistory() {
  std::lock_guard<std::mutex> lock(mu_);
  state_.store.expireHistory();
}

uint64_t ApiServer::resourceVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.store.rv();
}

int ApiServer::latencyMs() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.faults.faults().latency_ms;
}

std::set<RequestAttributes> ApiServer::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.requests;
}

std::vector<json> ApiServer::objects(const std::string& group, const std::string& resource, const std::string& ns) {
  std::vector<json> out;
  visitObjects(group, resource, ns, [&](const json& v) {
    out.push_back(v);
    return true;
  });
  return out;
}

void ApiServer::visitObjects(const std::string& group, const std::string& resource, const std::string& ns,
                             const std::function<bool(const json&)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, v] : state_.store.objects(group + "/" + resource)) {
    if (!ns.empty() && v["metadata"].value("namespace", "") != ns) continue;
    if (!visit(v)) return;
  }
}

void ApiServer::record(const HttpRequest& req, const Route& r, bool watch) {
  if (state_.options.record_requests && r.target.type) state_.requests.insert(attributesOf(req, r.target, watch));
}

namespace {

std::string metadataName(const std::string& text) {
  json body = json::parse(text, nullptr, false);
  if (!body.is_object() || !body.contains("metadata") || !body["metadata"].is_object()) return "";
  const json& name = body["metadata"].value("name", json());
  return name.is_string() ? name.get<std::string>() : "";
}

// The name of what a create made (a generated one too), or asked for when refused.
std::string createdName(const HttpRequest& req, const HttpResponse& response) {
  return metadataName(response.status == 201 ? response.body : req.body);
}

}  // namespace

std::vector<ServedWrite> ApiServer::writes() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.writes;
}

void ApiServer::setWriteObserver(std::function<void(const ServedWrite&)> observer) {
  std::lock_guard<std::mutex> lock(mu_);
  write_observer_ = std::move(observer);
}

HttpResponse ApiServer::handle(const HttpRequest& req) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<ServedWrite> served;
  HttpResponse response;
  try {
    response = handleLocked(req, lock, served);
  } catch (const std::exception& e) {
    response = statusError(500, std::string("internal error: ") + e.what());
  }
  auto observer = write_observer_;
  lock.unlock();
  if (served && observer) observer(*served);
  return response;
}

HttpResponse ApiServer::handleLocked(const HttpRequest& req, std::unique_lock<std::mutex>& lock,
                                     std::optional<ServedWrite>& served) {
  if (auto denied = authorize(req, state_.options.token, state_.options.readonly_token)) return *denied;
  Route r = route(req.path, state_.types);
  switch (r.kind) {
    case Route::Kind::kResource: {
      record(req, r, false);
      HttpResponse response = handleResource(req, r, lock);
      if (isWriteMethod(req.method) && (state_.options.record_writes || write_observer_)) {
        served = ServedWrite{attributesOf(req, r.target, false), response.status};
        if (served->request.name.empty()) served->request.name = createdName(req, response);
        if (state_.options.record_writes) state_.writes.push_back(*served);
      }
      return response;
    }
    case Route::Kind::kFaults: return setFaultsFromRequest(req);
    case Route::Kind::kNone: return statusError(404, "the server could not find the requested resource");
    default: return serveDocument(r);
  }
}

HttpResponse ApiServer::serveDocument(const Route& r) {
  auto all = state_.types.all();
  switch (r.kind) {
    case Route::Kind::kVersion: return jsonResponse(200, versionInfo());
    case Route::Kind::kHealth: return HttpResponse{200, "text/plain", "ok", {}};
    case Route::Kind::kApi: return jsonResponse(200, apiVersions(state_.options.server_address));
    case Route::Kind::kApis: return jsonResponse(200, apiGroupList(all));
    case Route::Kind::kApiGroup: {
      json g = apiGroup(all, r.group);
      if (g["versions"].empty()) break;
      return jsonResponse(200, g);
    }
    case Route::Kind::kGroupVersion: {
      json l = apiResourceList(all, r.groupVersion());
      if (l["resources"].empty()) break;
      return jsonResponse(200, l);
    }
    // kubectl falls back to v2 only when v3 is missing; we serve v3.
    case Route::Kind::kOpenApiV2: return statusError(404, "the emulator serves /openapi/v3 only");
    case Route::Kind::kOpenApiV3: return jsonResponse(200, openApiV3Index(all));
    case Route::Kind::kOpenApiV3Doc: return jsonResponse(200, openApiV3Document(all, r.groupVersion()));
    default: break;
  }
  return statusError(404, "the server could not find the requested resource");
}

HttpResponse ApiServer::setFaultsFromRequest(const HttpRequest& req) {
  if (req.method != "POST" && req.method != "PUT") return statusError(405, "POST a faults document");
  try {
    json doc = json::parse(req.body);
    state_.faults.set(faultsFromJson(doc));
    if (doc.value("expireHistory", false)) state_.store.expireHistory();
  } catch (const std::exception& e) {
    return statusError(400, std::string("bad faults document: ") + e.what());
  }
  return jsonResponse(200, {{"status", "ok"}});
}

HttpResponse ApiServer::handleResource(const HttpRequest& req, const Route& r, std::unique_lock<std::mutex>& lock) {
  const Target& t = r.target;
  if (!t.subresource.empty() && !(t.subresource == "status" && t.type->has_status))
    return statusError(404, "the server could not find the requested resource");
  if (auto fault = state_.faults.draw(isWriteMethod(req.method), t.type->resource)) return *fault;
  if (auto too_large = checkBodySize(req, state_.options.max_request_body_bytes)) return *too_large;
  const std::string& m = req.method;
  if (t.name.empty()) {
    if (m == "GET") return listObjects(state_, req, t);
    if (m == "POST") return createObject(state_, req, t, lock);
    if (m == "DELETE") return deleteCollection(state_, req, t);
  } else {
    if (m == "GET") return getObject(state_, req, t);
    if (m == "PUT") return updateObject(state_, req, t);
    if (m == "PATCH") return patchObject(state_, req, t);
    if (m == "DELETE" && t.subresource.empty()) return deleteOne(state_, req, t);
  }
  return statusError(405, "the server does not allow this method on the requested resource");
}

bool ApiServer::isWatch(const HttpRequest& req) const {
  if (req.method != "GET") return false;
  std::string w = req.param("watch");
  if (w == "true" || w == "1") return true;
  return req.path.find("/watch/") != std::string::npos;
}

std::optional<HttpResponse> ApiServer::streamWatch(const HttpRequest& req,
                                                   const std::function<bool(const std::string&)>& write) {
  std::unique_lock<std::mutex> lock(mu_);
  if (auto denied = authorize(req, state_.options.token, state_.options.readonly_token)) return *denied;
  Route r = route(req.path, state_.types);
  if (r.kind != Route::Kind::kResource || (!r.target.name.empty() && !r.legacy_watch))
    return statusError(404, "the server could not find the requested resource");
  record(req, r, true);
  if (auto fault = state_.faults.draw(false)) return *fault;
  return serveWatch(state_, lock, req, r, write);
}

}  // namespace paymesh::emulator
