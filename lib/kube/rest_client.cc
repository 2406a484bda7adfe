#include "kube/rest_client.h"

#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <thread>

#include "kube/errors.h"
#include "kube/http_transport.h"
#include "kube/wire.h"

namespace paymesh::kube {
namespace {

// Percent-encodes all but RFC 3986's unreserved characters, for a query value.
std::string encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void addParam(std::string& q, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  q += (q.empty() ? "?" : "&") + key + "=" + encode(value);
}

std::string nsOf(const Json& obj) { return obj.contains("metadata") ? obj["metadata"].value("namespace", "") : ""; }
std::string nameOf(const Json& obj) { return obj.contains("metadata") ? obj["metadata"].value("name", "") : ""; }

}  // namespace

const char* eventTypeName(EventType type) {
  switch (type) {
    case EventType::kAdded: return "ADDED";
    case EventType::kModified: return "MODIFIED";
    case EventType::kDeleted: return "DELETED";
    case EventType::kBookmark: return "BOOKMARK";
  }
  return "?";
}

Result<ObjectList> listAll(Client& c, const ResourceRef& res, const std::string& ns, ListOptions options) {
  ObjectList all;
  for (;;) {
    ASSIGN_OR_RETURN(ObjectList page, c.list(res, ns, options));
    for (auto& item : page.items) all.items.push_back(std::move(item));
    all.resource_version = page.resource_version;
    if (page.continue_token.empty()) return all;
    options.continue_token = page.continue_token;
  }
}

struct RestClient::Impl {
  ClusterConfig config;
  RestClientOptions options;
  std::unique_ptr<HttpTransport> transport;
  std::mutex token_mu;
  std::string file_token;
  struct timespec file_token_mtime {};

  // The bearer token, re-reading the token file when it changed (service-account rotation).
  Result<std::string> token() {
    if (config.token_file.empty()) return config.token;
    std::lock_guard<std::mutex> lock(token_mu);
    struct stat st {};
    if (::stat(config.token_file.c_str(), &st) != 0)
      return Status(Code::kUnauthenticated, "token file " + config.token_file + " is not readable");
    if (st.st_mtim.tv_sec != file_token_mtime.tv_sec || st.st_mtim.tv_nsec != file_token_mtime.tv_nsec ||
        file_token.empty()) {
      std::ifstream f(config.token_file);
      std::stringstream ss;
      ss << f.rdbuf();
      std::string t = ss.str();
      while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
      if (t.empty()) return Status(Code::kUnauthenticated, "token file " + config.token_file + " is empty");
      file_token = t;
      file_token_mtime = st.st_mtim;
    }
    return file_token;
  }

  // Accept, User-Agent and the bearer token, for every request.
  Result<std::vector<std::pair<std::string, std::string>>> commonHeaders() {
    std::vector<std::pair<std::string, std::string>> h = {{"Accept", "application/json"},
                                                          {"User-Agent", options.user_agent}};
    ASSIGN_OR_RETURN(std::string tok, token());
    if (!tok.empty()) h.emplace_back("Authorization", "Bearer " + tok);
    return h;
  }

  Result<HttpAnswer> send(const std::string& method, const std::string& path_and_query, const std::string* body,
                          const std::string& content_type = "application/json") {
    for (int attempt = 0;; ++attempt) {
      HttpCall call{method, path_and_query, {}, body};
      ASSIGN_OR_RETURN(call.headers, commonHeaders());
      if (body) call.headers.emplace_back("Content-Type", content_type);
      auto answer = transport->roundTrip(call);
      if (!answer.isOk())
        return Status(answer.status().code(),
                      method + " " + path_and_query + ": transport error: " + answer.status().message());
      if (answer->status == 429 && attempt < options.max_throttle_retries) {
        ApiError e = parseApiError(answer->status, answer->body, answer->retry_after);
        auto wait = e.retry_after.value_or(std::chrono::seconds(1));
        if (wait <= options.max_retry_after) {
          std::this_thread::sleep_for(wait);
          continue;
        }
      }
      return answer;
    }
  }

  Result<Json> call(const std::string& method, const std::string& path_and_query, const Json* body,
                    const std::string& content_type = "application/json", Answer answer = Answer::kObject) {
    std::string text = body ? body->dump() : "";
    ASSIGN_OR_RETURN(HttpAnswer r, send(method, path_and_query, body ? &text : nullptr, content_type));
    if (r.status < 200 || r.status >= 300) {
      return toStatus(parseApiError(r.status, r.body, r.retry_after), method + " " + path_and_query);
    }
    if (r.body.empty() || answer == Answer::kNone) return Json::object();
    try {
      return Json::parse(r.body);
    } catch (const std::exception& e) {
      return Status(Code::kInternal, method + " " + path_and_query + ": the answer is not JSON: " + e.what());
    }
  }
};

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RestClient::~RestClient() = default;

Result<std::unique_ptr<RestClient>> RestClient::create(const ClusterConfig& config, RestClientOptions options) {
  if (config.server.empty()) return invalidArgument("kube client: no server URL");
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = options;
  ASSIGN_OR_RETURN(impl->transport, HttpTransport::create(config, options.request_timeout));
  return std::unique_ptr<RestClient>(new RestClient(std::move(impl)));
}

Result<Json> RestClient::getPath(const std::string& path_and_query) {
  return impl_->call("GET", path_and_query, nullptr);
}

Result<Json> RestClient::get(const ResourceRef& res, const std::string& ns, const std::string& name) {
  if (name.empty()) return invalidArgument("get " + res.resource + ": empty name");
  return impl_->call("GET", res.path(ns, name), nullptr);
}

Result<ObjectList> RestClient::list(const ResourceRef& res, const std::string& ns, const ListOptions& options) {
  std::string q;
  addParam(q, "labelSelector", options.label_selector);
  addParam(q, "fieldSelector", options.field_selector);
  if (options.limit > 0) addParam(q, "limit", std::to_string(options.limit));
  addParam(q, "continue", options.continue_token);
  ASSIGN_OR_RETURN(Json body, impl_->call("GET", res.path(ns) + q, nullptr));
  return parseListPage(std::move(body), res, "GET " + res.path(ns) + q);
}

Result<Json> RestClient::create(const ResourceRef& res, const std::string& ns, const Json& object, Answer answer) {
  if (!object.is_object()) return invalidArgument("create " + res.resource + ": the object must be a JSON object");
  return impl_->call("POST", res.path(res.namespaced ? ns : ""), &object, "application/json", answer);
}

Result<Json> RestClient::update(const ResourceRef& res, const Json& object, Answer answer) {
  std::string name = nameOf(object);
  if (name.empty()) return invalidArgument("update " + res.resource + ": metadata.name is empty");
  return impl_->call("PUT", res.path(nsOf(object), name), &object, "application/json", answer);
}

Result<Json> RestClient::updateStatus(const ResourceRef& res, const Json& object) {
  std::string name = nameOf(object);
  if (name.empty()) return invalidArgument("update status of " + res.resource + ": metadata.name is empty");
  return impl_->call("PUT", res.path(nsOf(object), name, "status"), &object);
}

Result<Json> RestClient::patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                               const Json& patch, bool status_subresource, Answer answer) {
  if (name.empty()) return invalidArgument("patch " + res.resource + ": empty name");
  const char* ct = type == PatchType::kMerge       ? "application/merge-patch+json"
                   : type == PatchType::kJsonPatch ? "application/json-patch+json"
                                                   : "application/strategic-merge-patch+json";
  return impl_->call("PATCH", res.path(ns, name, status_subresource ? "status" : ""), &patch, ct, answer);
}

Status RestClient::remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                          const DeleteOptions& options) {
  if (name.empty()) return invalidArgument("delete " + res.resource + ": empty name");
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.precondition_uid) body["preconditions"]["uid"] = *options.precondition_uid;
  if (options.precondition_resource_version)
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  auto r = impl_->call("DELETE", res.path(ns, name), &body);
  return r.status();
}

Status RestClient::watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
                         const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
  std::string q = "?watch=true";
  addParam(q, "resourceVersion", options.resource_version);
  addParam(q, "labelSelector", options.label_selector);
  addParam(q, "fieldSelector", options.field_selector);
  if (options.allow_bookmarks) q += "&allowWatchBookmarks=true";
  q += "&timeoutSeconds=" + std::to_string(options.timeout.count());
  std::string path = res.path(ns) + q;
  std::string what = "GET " + path;
  HttpCall call{"GET", path, {}, nullptr};
  ASSIGN_OR_RETURN(call.headers, impl_->commonHeaders());
  std::string pending;
  Status failed = Status::ok();
  auto on_data = [&](std::string_view data) {
    pending.append(data);
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      std::string_view line(pending.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      auto we = parseWatchLine(line, what);
      if (!we.isOk()) {
        failed = we.status();
        return false;
      }
      if (!on_event(*we)) return false;
    }
    pending.erase(0, start);
    return true;
  };
  // The wait for the next event outlasts the server's own watch timeout.
  auto answer = impl_->transport->stream(call, options.timeout + std::chrono::seconds(30), on_data, stop);
  if (!answer.isOk()) {
    if (stop.stop_requested()) return Status::ok();
    return Status(answer.status().code(), what + ": transport error: " + answer.status().message());
  }
  if (!failed.isOk()) return failed;
  if (answer->status != 200 && !stop.stop_requested())
    return toStatus(parseApiError(answer->status, answer->body, answer->retry_after), what);
  return Status::ok();
}

}  // namespace paymesh::kube
