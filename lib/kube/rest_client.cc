#include "kube/rest_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cpprest/http_client.h>
#include <boost/asio/ssl.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "kube/errors.h"
#include "kube/wire.h"

namespace paymesh::kube {
namespace {

namespace http = web::http;
namespace client = web::http::client;

std::string encode(const std::string& s) { return web::uri::encode_data_string(s); }

void addParam(std::string& q, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  q += (q.empty() ? "?" : "&") + key + "=" + encode(value);
}

std::string nsOf(const Json& obj) { return obj.contains("metadata") ? obj["metadata"].value("namespace", "") : ""; }
std::string nameOf(const Json& obj) { return obj.contains("metadata") ? obj["metadata"].value("name", "") : ""; }

struct Response {
  int status = 0;
  std::string body;
  std::string retry_after;
};

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
  std::unique_ptr<client::http_client> http;
  std::mutex token_mu;
  std::string file_token;
  struct timespec file_token_mtime {};

  client::http_client_config clientConfig(std::chrono::seconds timeout) const {
    client::http_client_config cfg;
    cfg.set_timeout(timeout);
    cfg.set_validate_certificates(true);
    std::string ca = config.ca_pem, cert = config.client_cert_pem, key = config.client_key_pem;
    cfg.set_ssl_context_callback([ca, cert, key](boost::asio::ssl::context& ctx) {
      if (!ca.empty()) {
        // The configured CA replaces the system store, as kubeconfig intends.
        SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
        ctx.add_certificate_authority(boost::asio::buffer(ca));
      }
      if (!cert.empty()) {
        ctx.use_certificate_chain(boost::asio::buffer(cert));
        ctx.use_private_key(boost::asio::buffer(key), boost::asio::ssl::context::pem);
      }
    });
    return cfg;
  }

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

  Result<http::http_request> makeRequest(const http::method& method, const std::string& path_and_query,
                                         const std::string* body, const std::string& content_type) {
    http::http_request req(method);
    req.set_request_uri(path_and_query);
    req.headers().add("Accept", "application/json");
    req.headers().add("User-Agent", options.user_agent);
    ASSIGN_OR_RETURN(std::string tok, token());
    if (!tok.empty()) req.headers().add("Authorization", "Bearer " + tok);
    if (body) req.set_body(*body, content_type);
    return req;
  }

  Result<Response> send(const http::method& method, const std::string& path_and_query, const std::string* body,
                        const std::string& content_type = "application/json") {
    std::string what = method + " " + path_and_query;
    for (int attempt = 0;; ++attempt) {
      ASSIGN_OR_RETURN(http::http_request req, makeRequest(method, path_and_query, body, content_type));
      Response out;
      try {
        auto resp = http->request(req).get();
        out.status = resp.status_code();
        auto it = resp.headers().find("Retry-After");
        if (it != resp.headers().end()) out.retry_after = it->second;
        out.body = resp.extract_utf8string(true).get();
      } catch (const std::exception& e) {
        std::string msg = e.what();
        Code code = msg.find("timed out") != std::string::npos || msg.find("canceled") != std::string::npos
                        ? Code::kDeadlineExceeded
                        : Code::kUnavailable;
        return Status(code, what + ": transport error: " + msg);
      }
      if (out.status == 429 && attempt < options.max_throttle_retries) {
        ApiError e = parseApiError(out.status, out.body, out.retry_after);
        auto wait = e.retry_after.value_or(std::chrono::seconds(1));
        if (wait <= options.max_retry_after) {
          std::this_thread::sleep_for(wait);
          continue;
        }
      }
      return out;
    }
  }

  Result<Json> call(const http::method& method, const std::string& path_and_query, const Json* body,
                    const std::string& content_type = "application/json", Answer answer = Answer::kObject) {
    std::string text = body ? body->dump() : "";
    ASSIGN_OR_RETURN(Response r, send(method, path_and_query, body ? &text : nullptr, content_type));
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
  try {
    impl->http = std::make_unique<client::http_client>(config.server, impl->clientConfig(options.request_timeout));
  } catch (const std::exception& e) {
    return invalidArgument("kube client: bad server URL \"" + config.server + "\": " + e.what());
  }
  return std::unique_ptr<RestClient>(new RestClient(std::move(impl)));
}

Result<Json> RestClient::getPath(const std::string& path_and_query) {
  return impl_->call(http::methods::GET, path_and_query, nullptr);
}

Result<Json> RestClient::get(const ResourceRef& res, const std::string& ns, const std::string& name) {
  if (name.empty()) return invalidArgument("get " + res.resource + ": empty name");
  return impl_->call(http::methods::GET, res.path(ns, name), nullptr);
}

Result<ObjectList> RestClient::list(const ResourceRef& res, const std::string& ns, const ListOptions& options) {
  std::string q;
  addParam(q, "labelSelector", options.label_selector);
  addParam(q, "fieldSelector", options.field_selector);
  if (options.limit > 0) addParam(q, "limit", std::to_string(options.limit));
  addParam(q, "continue", options.continue_token);
  ASSIGN_OR_RETURN(Json body, impl_->call(http::methods::GET, res.path(ns) + q, nullptr));
  return parseListPage(std::move(body), res, "GET " + res.path(ns) + q);
}

Result<Json> RestClient::create(const ResourceRef& res, const std::string& ns, const Json& object, Answer answer) {
  if (!object.is_object()) return invalidArgument("create " + res.resource + ": the object must be a JSON object");
  return impl_->call(http::methods::POST, res.path(res.namespaced ? ns : ""), &object, "application/json", answer);
}

Result<Json> RestClient::update(const ResourceRef& res, const Json& object, Answer answer) {
  std::string name = nameOf(object);
  if (name.empty()) return invalidArgument("update " + res.resource + ": metadata.name is empty");
  return impl_->call(http::methods::PUT, res.path(nsOf(object), name), &object, "application/json", answer);
}

Result<Json> RestClient::updateStatus(const ResourceRef& res, const Json& object) {
  std::string name = nameOf(object);
  if (name.empty()) return invalidArgument("update status of " + res.resource + ": metadata.name is empty");
  return impl_->call(http::methods::PUT, res.path(nsOf(object), name, "status"), &object);
}

Result<Json> RestClient::patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                               const Json& patch, bool status_subresource, Answer answer) {
  if (name.empty()) return invalidArgument("patch " + res.resource + ": empty name");
  const char* ct = type == PatchType::kMerge       ? "application/merge-patch+json"
                   : type == PatchType::kJsonPatch ? "application/json-patch+json"
                                                   : "application/strategic-merge-patch+json";
  return impl_->call(http::methods::PATCH, res.path(ns, name, status_subresource ? "status" : ""), &patch, ct, answer);
}

Status RestClient::remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                          const DeleteOptions& options) {
  if (name.empty()) return invalidArgument("delete " + res.resource + ": empty name");
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.precondition_uid) body["preconditions"]["uid"] = *options.precondition_uid;
  if (options.precondition_resource_version)
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  auto r = impl_->call(http::methods::DEL, res.path(ns, name), &body);
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
  ASSIGN_OR_RETURN(http::http_request req, impl_->makeRequest(http::methods::GET, path, nullptr, ""));
  pplx::cancellation_token_source cts;
  std::stop_callback on_stop(stop, [&cts] { cts.cancel(); });
  try {
    // A client of its own: the read timeout must outlast the server's watch timeout.
    client::http_client watch_client(impl_->config.server,
                                     impl_->clientConfig(options.timeout + std::chrono::seconds(30)));
    auto resp = watch_client.request(req, cts.get_token()).get();
    if (resp.status_code() != 200) {
      std::string body = resp.extract_utf8string(true).get();
      auto it = resp.headers().find("Retry-After");
      return toStatus(parseApiError(resp.status_code(), body, it == resp.headers().end() ? "" : it->second), what);
    }
    auto stream = resp.body();
    auto buf = stream.streambuf();
    std::string pending;
    // Large enough for a whole ConfigMap event in one read: each read is a hand-off
    // between threads.
    std::vector<char> chunk(size_t{256} * 1024);
    for (;;) {
      if (stop.stop_requested()) return Status::ok();
      // Take what has arrived; when nothing has, wait for one byte. A plain getn(chunk)
      // would wait for the whole chunk and sit on events.
      size_t avail = buf.in_avail();
      size_t want = avail > 0 ? std::min(avail, chunk.size()) : 1;
      size_t n = buf.getn(reinterpret_cast<uint8_t*>(chunk.data()), want).get();
      if (n == 0) return Status::ok();  // the server ended the stream
      pending.append(chunk.data(), n);
      size_t start = 0, nl;
      while ((nl = pending.find('\n', start)) != std::string::npos) {
        std::string_view line(pending.data() + start, nl - start);
        start = nl + 1;
        if (line.empty()) continue;
        auto we = parseWatchLine(line, what);
        if (!we.isOk()) return we.status();
        if (!on_event(*we)) return Status::ok();
      }
      pending.erase(0, start);
    }
  } catch (const pplx::task_canceled&) {
    return Status::ok();
  } catch (const std::exception& e) {
    if (stop.stop_requested()) return Status::ok();
    return Status(Code::kUnavailable, what + ": transport error: " + e.what());
  }
}

}  // namespace paymesh::kube
