#include "policy/eds.h"

#include <algorithm>

#include "base/hex.h"
#include "policy/cluster.h"

namespace paymesh::policy {
namespace {

// A JSON string literal.
void appendQuoted(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00" + hexEncode(&c, 1);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

int32_t endpointPort(const model::PaymentService& target, const model::MeshConfig& mesh) {
  return target.spec.tls.mode == model::TlsMode::kDisable ? target.spec.ports.front().port : mesh.inbound_port;
}

std::string endpointsFile(const model::PaymentService& target, const std::vector<model::ServiceEndpoint>& endpoints,
                          const model::MeshConfig& mesh) {
  const std::string port = std::to_string(endpointPort(target, mesh));
  const bool hash_keys = carriesHashKeys(target);
  const bool weights = carriesWeights(target);
  std::string out;
  out.reserve(256 + endpoints.size() * 200);
  out +=
      R"({"resources":[{"@type":"type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment","cluster_name":)";
  appendQuoted(out, edsClusterName(target));
  out += R"(,"endpoints":[)";
  if (!endpoints.empty()) out += "{\"lb_endpoints\":[\n";
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const auto& ep = endpoints[i];
    out += R"({"endpoint":{"address":{"socket_address":{"address":)";
    appendQuoted(out, ep.ip);
    out += R"(,"port_value":)" + port + R"(}},"hostname":)";
    appendQuoted(out, ep.pod_name);
    out += '}';
    // The pod name is the hash key, so a pod that restarts with a new IP keeps its
    // place on the ring.
    if (hash_keys) {
      out += R"(,"metadata":{"filter_metadata":{"envoy.lb":{"hash_key":)";
      appendQuoted(out, ep.pod_name);
      out += "}}}";
    }
    if (weights) out += R"(,"load_balancing_weight":)" + std::to_string(ep.weight);
    out += i + 1 < endpoints.size() ? "},\n" : "}\n";
  }
  if (!endpoints.empty()) out += "]}";
  out += ']';
  if (target.spec.resilience.fallback_service) {
    out += R"(,"policy":{"overprovisioning_factor":)" +
           std::to_string(primaryOverprovisioningFactor(endpoints.size())) + '}';
  }
  out += "}]}\n";
  return out;
}

uint32_t primaryOverprovisioningFactor(size_t endpoints) {
  return static_cast<uint32_t>(std::min<size_t>(100 * std::max<size_t>(endpoints, 1), kMaxOverprovisioningFactor));
}

}  // namespace paymesh::policy
