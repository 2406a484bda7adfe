#pragma once
// A client whose writes go through only while this replica may write (it holds the
// leader Lease, or runs without election): the one place leadership is checked, so no
// reconciler asks. Reads and watches always pass; a refused write returns
// FailedPrecondition "not the leader: write skipped" (isNotLeader tells it apart) and
// never reaches the server.

#include <atomic>

#include "kube/client.h"

namespace paymesh::kube {

bool isNotLeader(const Status& status);

class LeaderGatedClient : public Client {
public:
  LeaderGatedClient(Client& inner, const std::atomic<bool>& may_write) : inner_(inner), may_write_(may_write) {}

  Result<Json> get(const ResourceRef& res, const std::string& ns, const std::string& name) override;
  Result<ObjectList> list(const ResourceRef& res, const std::string& ns, const ListOptions& options) override;
  Result<Json> create(const ResourceRef& res, const std::string& ns, const Json& object) override;
  Result<Json> update(const ResourceRef& res, const Json& object) override;
  Result<Json> updateStatus(const ResourceRef& res, const Json& object) override;
  Result<Json> patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                     const Json& patch, bool status_subresource) override;
  Status remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                const DeleteOptions& options) override;
  Status watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override;

private:
  bool mayWrite() const { return may_write_.load(); }

  Client& inner_;
  const std::atomic<bool>& may_write_;
};

}  // namespace paymesh::kube
