#include "kube/wire.h"

#include "kube/errors.h"

namespace paymesh::kube {

namespace {

std::string stringOf(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<EventType> eventType(const std::string& type) {
  if (type == "ADDED") return EventType::kAdded;
  if (type == "MODIFIED") return EventType::kModified;
  if (type == "DELETED") return EventType::kDeleted;
  if (type == "BOOKMARK") return EventType::kBookmark;
  return std::nullopt;
}

// The Status an ERROR event carries; its code when a number in HTTP's range, else 500.
Status watchError(const Json& event, const std::string& what) {
  auto st = event.find("object");
  Json status = st != event.end() && st->is_object() ? *st : Json::object();
  auto code = status.find("code");
  int http = 500;
  if (code != status.end() && code->is_number_integer() && *code >= 100 && *code <= 599) http = code->get<int>();
  return toStatus(parseApiError(http, status.dump(), ""), what);
}

}  // namespace

Result<ObjectList> parseListPage(Json body, const ResourceRef& res, const std::string& what) {
  if (!body.is_object()) return Status(Code::kInternal, what + ": the list is not a JSON object");
  ObjectList out;
  if (auto items = body.find("items"); items != body.end() && !items->is_null()) {
    if (!items->is_array()) return Status(Code::kInternal, what + ": the list's items are not a list");
    for (auto& item : *items) {
      if (!item.is_object()) continue;
      // Items of built-in lists carry no kind; the caller should not have to care.
      if (!item.contains("kind")) item["kind"] = res.kind;
      if (!item.contains("apiVersion")) item["apiVersion"] = res.apiVersion();
      out.items.push_back(std::move(item));
    }
  }
  if (auto meta = body.find("metadata"); meta != body.end() && meta->is_object()) {
    out.resource_version = stringOf(*meta, "resourceVersion");
    out.continue_token = stringOf(*meta, "continue");
  }
  return out;
}

Result<WatchEvent> parseWatchLine(std::string_view line, const std::string& what) {
  Json ev = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (ev.is_discarded()) return Status(Code::kInternal, what + ": bad watch event: not JSON");
  if (!ev.is_object()) return Status(Code::kInternal, what + ": bad watch event: not a JSON object");
  const std::string type = stringOf(ev, "type");
  if (type == "ERROR") return watchError(ev, what);
  auto kind = eventType(type);
  if (!kind) return Status(Code::kInternal, what + ": unknown watch event type \"" + type.substr(0, 64) + "\"");
  auto object = ev.find("object");
  if (object == ev.end() || !object->is_object())
    return Status(Code::kInternal, what + ": bad watch event: its object is not a JSON object");
  return WatchEvent{*kind, std::move(*object)};
}

}  // namespace paymesh::kube
