#include "policy/sidecar_config.h"

#include <openssl/evp.h>

#include <set>

#include "base/hex.h"

#include "policy/bootstrap.h"
#include "policy/cluster.h"
#include "policy/eds.h"
#include "policy/end_user_auth.h"
#include "policy/listeners.h"
#include "policy/names.h"
#include "policy/sds.h"
#include "policy/service_ring.h"
#include "ring/ring_json.h"
#include "yaml/yaml.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;
using model::PaymentService;

std::string configHash(const std::map<std::string, std::string>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& [name, content] : files) {
    // Length-prefixed so that moving bytes between names changes the hash.
    std::string header = std::to_string(name.size()) + ":" + name + ":" + std::to_string(content.size()) + ":";
    EVP_DigestUpdate(ctx, header.data(), header.size());
    EVP_DigestUpdate(ctx, content.data(), content.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  return "sha256:" + hexEncode(digest, len);
}

namespace {

std::string yamlFile(const Json& v) { return yaml::toYaml(v); }

const std::vector<model::ServiceEndpoint>& endpointsOf(const RenderInputs& in, const std::string& name) {
  static const std::vector<model::ServiceEndpoint> kNone;
  auto it = in.endpoints.find(name);
  return it == in.endpoints.end() ? kNone : it->second;
}

}  // namespace

// The whole configuration in the order Envoy reads it (inbound, one outbound listener and
// cluster per dependency, the ring, the files): one function so that order is seen whole.
Result<SidecarConfig> renderSidecarConfig(const RenderInputs& in) {
  if (in.self == nullptr || in.mesh == nullptr)
    return invalidArgument("render: no PaymentService or mesh config given");
  const PaymentService& self = *in.self;
  const model::MeshConfig& mesh = *in.mesh;
  SidecarConfig out;

  auto lookup = [&](const std::string& name) -> const PaymentService* {
    auto it = in.services.find(name);
    return it == in.services.end() ? nullptr : it->second;
  };

  Json listeners = Json::array();
  Json clusters = Json::array();
  std::set<std::string> eds_rendered;  // services whose EDS cluster and file exist

  auto addEdsCluster = [&](const PaymentService& target) {
    if (!eds_rendered.insert(target.metadata.name).second) return;
    auto endpoints = model::readyEndpoints(endpointsOf(in, target.metadata.name));
    if (endpoints.empty()) out.without_endpoints.push_back(target.metadata.name);
    EndpointsFile file = endpointsFileFor(target, endpoints, mesh);
    Json c = serviceCluster(target, mesh, file.name);
    c["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    clusters.push_back(std::move(c));
    out.files[file.name] = std::move(file.content);
  };

  // Inbound: what this service accepts, unless it runs without the mesh's mTLS (its
  // callers then reach the application port directly).
  if (self.spec.tls.mode != model::TlsMode::kDisable) {
    std::map<std::string, std::string> accounts;
    for (const auto& [name, svc] : in.services) accounts[name] = svc->spec.service_account;
    ASSIGN_OR_RETURN(Json inbound, inboundListener(self, accounts, in.jwks, mesh));
    listeners.push_back(std::move(inbound));
    for (const auto& port : self.spec.ports) {
      Json c = inboundCluster(self, port);
      c["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
      clusters.push_back(std::move(c));
    }
    for (auto& c : jwksClusters(self)) clusters.push_back(std::move(c));
  }

  // Outbound: one listener and one cluster per dependency, in declared order.
  for (size_t i = 0; i < self.spec.dependencies.size(); ++i) {
    const std::string& name = self.spec.dependencies[i].name;
    const PaymentService* target = lookup(name);
    if (target == nullptr) {
      out.missing.push_back(name);
      continue;
    }
    listeners.push_back(outboundListener(*target, model::dependencyLocalPort(self.spec, i), mesh));
    addEdsCluster(*target);
    if (target->spec.resilience.fallback_service) {
      const PaymentService* fallback = lookup(*target->spec.resilience.fallback_service);
      if (fallback == nullptr) {
        out.missing.push_back(*target->spec.resilience.fallback_service);
        // Without its fallback the dependency still gets "outbound|<name>": an
        // aggregate over the primary alone keeps the listener's cluster name valid.
        Json agg = fallbackAggregateCluster(*target, {target});
        agg["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
        clusters.push_back(std::move(agg));
        continue;
      }
      Json agg = fallbackAggregateCluster(*target, {target, fallback});
      agg["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
      clusters.push_back(std::move(agg));
      addEdsCluster(*fallback);
    }
  }

  // "@type" first in every resource, as the API reference prints them.
  auto typedFirst = [](Json& resources) {
    for (auto& r : resources) {
      Json ordered = {{"@type", std::move(r["@type"])}};
      for (auto it = r.begin(); it != r.end(); ++it) {
        if (it.key() != "@type") ordered[it.key()] = std::move(it.value());
      }
      r = std::move(ordered);
    }
  };
  typedFirst(clusters);

  // The service's own ring, for `paymeshctl ring lookup` and the status checksum.
  ASSIGN_OR_RETURN(auto own_ring, serviceRing(self, endpointsOf(in, self.metadata.name)));
  if (own_ring) {
    std::string text = ring::toRingJson(*own_ring);
    if (text.size() <= kMaxRingJsonBytes) {
      out.files[kRingFile] = std::move(text);
      out.ring_checksum = ring::ringChecksum(*own_ring);
    } else {
      out.notes.push_back("ring.json not published: " + std::to_string(text.size()) + " bytes exceeds " +
                          std::to_string(kMaxRingJsonBytes) + "; lower tableSize or maxRingSize");
    }
  }
  // The SDS files, when a TLS context names them (inbound mTLS, or a dependency reached
  // over mTLS).
  bool uses_tls = self.spec.tls.mode != model::TlsMode::kDisable;
  for (const auto& c : clusters) uses_tls = uses_tls || c.contains("transport_socket");
  if (uses_tls) {
    out.files[kCertificateSdsFile] = yamlFile(certificateSdsResponse());
    out.files[kTrustBundleSdsFile] = yamlFile(trustBundleSdsResponse());
  }
  out.files[kBootstrapFile] = yamlFile(bootstrap(self, mesh));
  out.files[kListenersFile] = yamlFile(Json{{"resources", std::move(listeners)}});
  out.files[kClustersFile] = yamlFile(Json{{"resources", std::move(clusters)}});
  out.config_hash = configHash(out.files);
  return out;
}

}  // namespace paymesh::policy
