#include "kube/leader_gated_client.h"

#include "obs/log.h"

namespace paymesh::kube {

namespace {

constexpr const char* kNotLeader = "not the leader: write skipped";

int64_t nanos(WriteGate::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// A string of the object's metadata, for the log; "" when absent or of another type.
std::string metaString(const Json& object, const char* field) {
  if (!object.is_object()) return "";
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto value = meta->find(field);
  return value != meta->end() && value->is_string() ? value->get<std::string>() : "";
}

}  // namespace

bool isNotLeader(const Status& status) {
  return status.code() == Code::kFailedPrecondition && status.message() == kNotLeader;
}

void WriteGate::renewed(TimePoint began, std::chrono::milliseconds valid_for) {
  open_until_ = nanos(began + valid_for);
}

bool WriteGate::mayWrite() const {
  int64_t until = open_until_.load();
  if (until == kForever) return true;
  return until != kClosed && nanos(clock_()) < until;
}

Status LeaderGatedClient::admit(const char* verb, const ResourceRef& res, const std::string& ns,
                                const std::string& name) const {
  if (gate_.mayWrite()) return Status::ok();
  obs::logWarn("write refused: this replica does not hold a current Lease",
               {{"verb", verb}, {"resource", res.resource}, {"namespace", ns}, {"name", name}});
  return failedPrecondition(kNotLeader);
}

Result<Json> LeaderGatedClient::get(const ResourceRef& res, const std::string& ns, const std::string& name) {
  return inner_.get(res, ns, name);
}

Result<ObjectList> LeaderGatedClient::list(const ResourceRef& res, const std::string& ns, const ListOptions& options) {
  return inner_.list(res, ns, options);
}

Result<Json> LeaderGatedClient::create(const ResourceRef& res, const std::string& ns, const Json& object,
                                       Answer answer) {
  RETURN_IF_ERROR(admit("create", res, ns, metaString(object, "name")));
  return inner_.create(res, ns, object, answer);
}

Result<Json> LeaderGatedClient::update(const ResourceRef& res, const Json& object, Answer answer) {
  RETURN_IF_ERROR(admit("update", res, metaString(object, "namespace"), metaString(object, "name")));
  return inner_.update(res, object, answer);
}

Result<Json> LeaderGatedClient::updateStatus(const ResourceRef& res, const Json& object) {
  RETURN_IF_ERROR(admit("update status", res, metaString(object, "namespace"), metaString(object, "name")));
  return inner_.updateStatus(res, object);
}

Result<Json> LeaderGatedClient::patch(const ResourceRef& res, const std::string& ns, const std::string& name,
                                      PatchType type, const Json& patch, bool status_subresource, Answer answer) {
  RETURN_IF_ERROR(admit(status_subresource ? "patch status" : "patch", res, ns, name));
  return inner_.patch(res, ns, name, type, patch, status_subresource, answer);
}

Status LeaderGatedClient::remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                                 const DeleteOptions& options) {
  RETURN_IF_ERROR(admit("delete", res, ns, name));
  return inner_.remove(res, ns, name, options);
}

Status LeaderGatedClient::watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
                                const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
  return inner_.watch(res, ns, options, on_event, std::move(stop));
}

}  // namespace paymesh::kube
