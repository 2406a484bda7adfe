#include "emulator/watch.h"

#include <algorithm>
#include <vector>

#include "emulator/label_selector.h"
#include "emulator/request_decoding.h"
#include "emulator/status_errors.h"
#include "emulator/table.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

struct WatchRequest {
  std::string ns;
  Selector labels, fields;
  bool bookmarks = false;
  uint64_t timeout_s = 1800;
  uint64_t from = 0;
  bool as_table = false;
  std::string include_object;
};

std::optional<HttpResponse> readWatchRequest(const HttpRequest& req, const Route& r, WatchRequest& w) {
  w.ns = r.target.objectNamespace();
  std::string error;
  if (!parseSelector(req.param("labelSelector"), w.labels, error)) return statusError(400, error);
  if (!parseSelector(req.param("fieldSelector"), w.fields, error)) return statusError(400, error);
  if (r.legacy_watch && !r.target.name.empty())
    w.fields.requirements.push_back({"metadata.name", Requirement::Op::kEquals, {r.target.name}});
  w.bookmarks = req.param("allowWatchBookmarks") == "true";
  if (!req.param("timeoutSeconds").empty() && !parseUint(req.param("timeoutSeconds"), w.timeout_s))
    return statusError(400, "invalid timeoutSeconds");
  std::string from_text = req.param("resourceVersion");
  if (!from_text.empty() && !parseUint(from_text, w.from))
    return statusError(400, "invalid resourceVersion \"" + from_text + "\"");
  w.as_table = wantsTable(req);
  w.include_object = req.param("includeObject");
  return std::nullopt;
}

std::string eventLine(const std::string& type, const json& object) {
  return json{{"type", type}, {"object", object}}.dump() + "\n";
}

}  // namespace

std::optional<HttpResponse> serveWatch(ServerState& state, std::unique_lock<std::mutex>& lock, const HttpRequest& req,
                                       const Route& r, const std::function<bool(const std::string&)>& write) {
  WatchRequest w;
  if (auto bad = readWatchRequest(req, r, w)) return bad;
  const ResourceType type = *r.target.type;  // a copy: the CRD may go away while we stream
  const std::string store_key = type.storeKey();
  Store& store = state.store;
  int drop_every = state.faults.faults().drop_watch_every;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(w.timeout_s);
  auto selected = [&](const json& obj) {
    if (!w.ns.empty() && obj["metadata"].value("namespace", "") != w.ns) return false;
    return matches(w.labels, labelsOf(obj)) && matches(w.fields, fieldsOf(obj, w.fields));
  };
  auto line = [&](const std::string& event_type, const json& obj) {
    json o = withVersion(type, obj);
    if (w.as_table) o = toTable(type, {o}, w.include_object, std::chrono::system_clock::now(), json::object());
    return eventLine(event_type, o);
  };
  lock.unlock();
  if (!write("")) return std::nullopt;  // the response head goes out before the first event
  lock.lock();
  std::vector<std::string> batch;
  uint64_t last = w.from;
  if (w.from == 0) {
    for (const auto& [k, v] : store.objects(store_key)) {
      if (selected(v)) batch.push_back(line("ADDED", v));
    }
    last = store.rv();
  }
  int sent = 0;
  auto next_bookmark = std::chrono::steady_clock::now() + state.options.bookmark_interval;
  while (!state.stopping) {
    if (last < store.compactedRv()) {
      json st = statusObject(
          410, "Expired",
          "too old resource version: " + std::to_string(last) + " (" + std::to_string(store.compactedRv()) + ")");
      lock.unlock();
      write(eventLine("ERROR", st));
      return std::nullopt;
    }
    const auto& history = store.history();
    auto pos =
        std::upper_bound(history.begin(), history.end(), last, [](uint64_t v, const Event& e) { return v < e.rv; });
    for (; pos != history.end(); ++pos) {
      const Event& e = *pos;
      last = e.rv;
      if (e.store_key != store_key) continue;
      bool now_in = selected(e.object);
      bool was_in = e.type == "MODIFIED" ? selected(e.old) : now_in;
      if (now_in && !was_in)
        batch.push_back(line("ADDED", e.object));
      else if (!now_in && was_in)
        batch.push_back(line("DELETED", e.object));
      else if (now_in)
        batch.push_back(line(e.type, e.object));
    }
    last = std::max(last, store.rv());  // every event up to rv has been looked at
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
      next_bookmark = now + state.options.bookmark_interval;
      if (w.bookmarks) {
        json bm = {{"kind", type.kind},
                   {"apiVersion", type.groupVersion()},
                   {"metadata", {{"resourceVersion", std::to_string(last)}}}};
        lock.unlock();
        if (!write(eventLine("BOOKMARK", bm))) return std::nullopt;
        lock.lock();
        continue;
      }
    }
    store.changed().wait_until(lock, std::min(deadline, next_bookmark));
  }
  return std::nullopt;
}

}  // namespace paymesh::emulator
