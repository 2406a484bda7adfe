#pragma once
// The mesh config and the CA it names, as one immutable snapshot that every reconciler
// of a pass reads; replaced as a whole when the file changes or the CA Secret moves on.

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "base/status.h"
#include "model/mesh_config.h"
#include "pki/authority.h"
#include "pki/trust_bundle.h"

namespace paymesh::ctrl {

struct MeshState {
  model::MeshConfig mesh;
  std::optional<pki::CertificateAuthority> ca;
  pki::TrustBundle bundle;
  std::string ca_identity;  // the signing CA and the bundle: a change means every leaf is looked at again
};
using MeshStatePtr = std::shared_ptr<const MeshState>;

// The current snapshot. Thread-safe.
class MeshStateHolder {
public:
  MeshStatePtr get() const {
    std::shared_lock lock(mu_);
    return state_;
  }
  void set(MeshStatePtr state) {
    std::unique_lock lock(mu_);
    state_ = std::move(state);
  }

private:
  mutable std::shared_mutex mu_;
  MeshStatePtr state_;
};

// The snapshot a pass that signs needs: a mesh config with its CA loaded.
inline Result<MeshStatePtr> meshWithCa(const MeshStateHolder& holder) {
  MeshStatePtr state = holder.get();
  if (!state || !state->ca) return failedPrecondition("no mesh CA loaded");
  return state;
}

}  // namespace paymesh::ctrl
