#pragma once
// Client over the kube HttpTransport (http_transport.h): each request runs on the calling
// thread over a pooled keep-alive connection; watches read the chunked response body as
// it arrives, each on a connection of its own. 429 answers are retried after their Retry-After (bounded); other errors
// are returned as values.

#include <memory>
#include <mutex>

#include "kube/client.h"
#include "kube/kubeconfig.h"

namespace paymesh::kube {

struct RestClientOptions {
  std::chrono::seconds request_timeout{30};
  int max_throttle_retries = 3;              // 429s retried before giving up
  std::chrono::seconds max_retry_after{10};  // a longer Retry-After is returned, not waited
  std::string user_agent = "paymesh/0.1";
};

class RestClient : public Client {
public:
  static Result<std::unique_ptr<RestClient>> create(const ClusterConfig& config, RestClientOptions options = {});
  ~RestClient() override;

  Result<Json> get(const ResourceRef& res, const std::string& ns, const std::string& name) override;
  Result<ObjectList> list(const ResourceRef& res, const std::string& ns, const ListOptions& options) override;
  Result<Json> create(const ResourceRef& res, const std::string& ns, const Json& object,
                      Answer answer = Answer::kObject) override;
  Result<Json> update(const ResourceRef& res, const Json& object, Answer answer = Answer::kObject) override;
  Result<Json> updateStatus(const ResourceRef& res, const Json& object) override;
  Result<Json> patch(const ResourceRef& res, const std::string& ns, const std::string& name, PatchType type,
                     const Json& patch, bool status_subresource = false, Answer answer = Answer::kObject) override;
  Status remove(const ResourceRef& res, const std::string& ns, const std::string& name,
                const DeleteOptions& options = {}) override;
  Status watch(const ResourceRef& res, const std::string& ns, const WatchOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override;

  // GET of any path (discovery, /version), for tools.
  Result<Json> getPath(const std::string& path_and_query);

private:
  struct Impl;
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::kube
