#pragma once
// The Kubernetes API as the operator and the webhook see it. Objects are JSON; every failure
// is a Status (see errors.h for which code means what). RestClient implements it over HTTP;
// tests can implement it with scripted answers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "kube/resource.h"

namespace paymesh::kube {

using Json = nlohmann::json;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;           // page size; 0: everything in one answer
  std::string continue_token;  // from the previous page
};

struct ObjectList {
  std::vector<Json> items;
  std::string resource_version;
  std::string continue_token;  // empty on the last page
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // events after this one; "" or "0": current state first as ADDED
  bool allow_bookmarks = true;
  std::chrono::seconds timeout{300};  // the server ends the stream after this
};

enum class EventType { kAdded, kModified, kDeleted, kBookmark };
const char* eventTypeName(EventType type);

struct WatchEvent {
  EventType type;
  Json object;
};

enum class PatchType { kMerge, kJsonPatch, kStrategicMerge };

struct DeleteOptions {
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  std::string propagation_policy;  // Background (default), Foreground or Orphan
};

// What a write returns on success: the object as the server stored it, or nothing (the
// answer's body is dropped unread: a writer that never looks at it saves parsing the
// whole object it sent, which the server echoes back).
enum class Answer { kObject, kNone };

class Client {
public:
  virtual ~Client() = default;

  virtual Result<Json> get(const ResourceRef& res, const std::string& ns, const std::string& name) = 0;
  // One page (all items when options.limit is 0).
  virtual Result<ObjectList> list(const ResourceRef& res, const std::string& ns, const ListOptions& options) = 0;
  virtual Result<Json> create(const ResourceRef& res, const std::string& ns, const Json& object,
                              Answer answer = Answer::kObject) = 0;
  // PUT; a metadata.resourceVersion in `object` makes it conditional (Conflict when stale).
  virtual Result<Json> update(const ResourceRef& res, const Json& object, Answer answer = Answer::kObject) = 0;
  virtual Result<Json> updateStatus(const ResourceRef& res, const Json& object) = 0;
  virtual Result<Json> patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                             const Json& patch, bool status_subresource = false, Answer answer = Answer::kObject) = 0;
  virtual Status remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                        const DeleteOptions& options = {}) = 0;
  // Reads one watch stream, handing each event to `on_event` as it arrives. Returns OK when the
  // server ends the stream, `stop` is requested or on_event returns false; Gone when the
  // resourceVersion is too old (HTTP 410 or an ERROR event with code 410); another error
  // otherwise. Reconnecting is the caller's business (see Watcher).
  virtual Status watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
                       const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) = 0;
};

using ClientPtr = std::unique_ptr<Client>;

// Lists every page; the resourceVersion is the last page's.
Result<ObjectList> listAll(Client& client, const ResourceRef& res, const std::string& ns, ListOptions options);

}  // namespace paymesh::kube
