#include "policy/bootstrap.h"

#include "policy/config_source.h"
#include "policy/names.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kAdminCluster = "paymesh-admin";

// A plain listener that forwards one path to the admin interface, so the admin port
// itself never leaves 127.0.0.1.
Json adminProxyListener(const std::string& name, int32_t port, Json match, const std::string& rewrite) {
  Json route = {{"cluster", kAdminCluster}};
  if (!rewrite.empty()) route["prefix_rewrite"] = rewrite;
  Json hcm = {{"@type",
               "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"},
              {"stat_prefix", name},
              {"codec_type", "AUTO"},
              {"route_config",
               {{"name", name},
                {"virtual_hosts",
                 Json::array({{{"name", name},
                               {"domains", Json::array({"*"})},
                               {"routes", Json::array({{{"match", std::move(match)}, {"route", route}}})}}})}}},
              {"http_filters",
               Json::array({{{"name", "envoy.filters.http.router"},
                             {"typed_config",
                              {{"@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}}}})}};
  return {{"name", name},
          {"address", {{"socket_address", {{"address", "0.0.0.0"}, {"port_value", port}}}}},
          {"filter_chains",
           Json::array({{{"filters", Json::array({{{"name", "envoy.filters.network.http_connection_manager"},
                                                   {"typed_config", hcm}}})}}})}};
}

}  // namespace

Json bootstrap(const model::PaymentService& self, const model::MeshConfig& mesh) {
  const std::string id = self.metadata.name + "." + self.metadata.namespace_;
  Json b;
  // The injected container passes --service-node with the pod's name; this is the default.
  b["node"] = {{"id", id},
               {"cluster", id},
               {"metadata", {{"paymesh.io/service", self.metadata.name}, {"namespace", self.metadata.namespace_}}}};
  b["admin"] = {{"address", {{"socket_address", {{"address", "127.0.0.1"}, {"port_value", mesh.admin_port}}}}}};
  b["dynamic_resources"] = {{"lds_config", fileConfigSource(kListenersFile)},
                            {"cds_config", fileConfigSource(kClustersFile)}};
  b["static_resources"] = {
      {"listeners",
       Json::array(
           {adminProxyListener("paymesh-readiness", mesh.readiness_port, {{"path", "/healthz/ready"}}, "/ready"),
            adminProxyListener("paymesh-stats", mesh.stats_port, {{"prefix", "/stats/prometheus"}}, "")})},
      {"clusters",
       Json::array(
           {{{"name", kAdminCluster},
             {"type", "STATIC"},
             {"connect_timeout", "1s"},
             {"load_assignment",
              {{"cluster_name", kAdminCluster},
               {"endpoints",
                Json::array({{{"lb_endpoints", Json::array({{{"endpoint",
                                                              {{"address",
                                                                {{"socket_address",
                                                                  {{"address", "127.0.0.1"},
                                                                   {"port_value", mesh.admin_port}}}}}}}}})}}})}}}}})}};
  return b;
}

}  // namespace paymesh::policy
