#pragma once
// /healthz (the process serves) and /readyz (caches synced, or waiting as a standby)
// on --health-addr.

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace paymesh::ctrl {

class HealthServer {
public:
  // addr "host:port"; ready() is asked on every /readyz.
  static Result<std::unique_ptr<HealthServer>> start(const std::string& addr, std::function<bool()> ready);
  ~HealthServer();

private:
  HealthServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paymesh::ctrl
