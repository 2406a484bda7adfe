#include "kube/leader_gated_client.h"

namespace paymesh::kube {

namespace {

constexpr const char* kNotLeader = "not the leader: write skipped";

Status notLeader() { return failedPrecondition(kNotLeader); }

}  // namespace

bool isNotLeader(const Status& status) {
  return status.code() == Code::kFailedPrecondition && status.message() == kNotLeader;
}

Result<Json> LeaderGatedClient::get(const ResourceRef& res, const std::string& ns, const std::string& name) {
  return inner_.get(res, ns, name);
}

Result<ObjectList> LeaderGatedClient::list(const ResourceRef& res, const std::string& ns, const ListOptions& options) {
  return inner_.list(res, ns, options);
}

Result<Json> LeaderGatedClient::create(const ResourceRef& res, const std::string& ns, const Json& object) {
  if (!mayWrite()) return notLeader();
  return inner_.create(res, ns, object);
}

Result<Json> LeaderGatedClient::update(const ResourceRef& res, const Json& object) {
  if (!mayWrite()) return notLeader();
  return inner_.update(res, object);
}

Result<Json> LeaderGatedClient::updateStatus(const ResourceRef& res, const Json& object) {
  if (!mayWrite()) return notLeader();
  return inner_.updateStatus(res, object);
}

Result<Json> LeaderGatedClient::patch(const ResourceRef& res, const std::string& ns, const std::string& name,
                                      PatchType type, const Json& patch, bool status_subresource) {
  if (!mayWrite()) return notLeader();
  return inner_.patch(res, ns, name, type, patch, status_subresource);
}

Status LeaderGatedClient::remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                                 const DeleteOptions& options) {
  if (!mayWrite()) return notLeader();
  return inner_.remove(res, ns, name, options);
}

Status LeaderGatedClient::watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
                                const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
  return inner_.watch(res, ns, options, on_event, std::move(stop));
}

}  // namespace paymesh::kube
