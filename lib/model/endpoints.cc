#include "model/endpoints.h"

#include <algorithm>
#include <charconv>

namespace paymesh::model {

using nlohmann::json;

namespace {

std::string str(const json& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<uint32_t> parseWeight(const std::string& text, const std::string& who) {
  uint32_t w = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), w);
  if (ec != std::errc() || ptr != text.data() + text.size() || w < 1 || w > kMaxEndpointWeight) {
    return invalidArgument(who + ": annotation " + kWeightAnnotation + " must be an integer from 1 to " +
                           std::to_string(kMaxEndpointWeight) + ", got \"" + text.substr(0, 32) + "\"");
  }
  return w;
}

}  // namespace

Result<std::optional<ServiceEndpoint>> endpointFromPod(const json& pod) {
  if (!pod.is_object()) return invalidArgument("a Pod must be an object");
  const json meta = pod.value("metadata", json::object());
  std::string name = meta.is_object() ? str(meta, "name") : "";
  std::string ns = meta.is_object() ? str(meta, "namespace") : "";
  std::string who = "pod " + (ns.empty() ? "default" : ns) + "/" + name;
  const json status = pod.value("status", json::object());
  if (!status.is_object()) return std::optional<ServiceEndpoint>();
  ServiceEndpoint ep;
  ep.pod_name = name;
  ep.ip = str(status, "podIP");
  if (ep.ip.empty()) return std::optional<ServiceEndpoint>();
  if (pod.value("metadata", json::object()).contains("deletionTimestamp")) return std::optional<ServiceEndpoint>();
  auto conds = status.find("conditions");
  if (conds != status.end() && conds->is_array()) {
    for (const auto& c : *conds) {
      if (c.is_object() && str(c, "type") == "Ready") ep.ready = str(c, "status") == "True";
    }
  }
  if (meta.is_object() && meta.contains("annotations") && meta["annotations"].is_object()) {
    auto w = meta["annotations"].find(kWeightAnnotation);
    if (w != meta["annotations"].end()) {
      if (!w->is_string())
        return invalidArgument(who + ": annotation " + std::string(kWeightAnnotation) + " must be a string");
      ASSIGN_OR_RETURN(ep.weight, parseWeight(w->get<std::string>(), who));
    }
  }
  return std::optional<ServiceEndpoint>(ep);
}

Result<std::vector<ServiceEndpoint>> endpointsFromSlice(const json& slice) {
  std::vector<ServiceEndpoint> out;
  if (!slice.is_object()) return invalidArgument("an EndpointSlice must be an object");
  auto eps = slice.find("endpoints");
  if (eps == slice.end() || eps->is_null()) return out;
  if (!eps->is_array()) return invalidArgument("EndpointSlice endpoints must be a list");
  for (const auto& e : *eps) {
    if (!e.is_object()) continue;
    auto addrs = e.find("addresses");
    if (addrs == e.end() || !addrs->is_array() || addrs->empty() || !(*addrs)[0].is_string()) continue;
    ServiceEndpoint ep;
    ep.ip = (*addrs)[0].get<std::string>();
    ep.ready = true;
    if (auto c = e.find("conditions"); c != e.end() && c->is_object() && c->contains("ready")) {
      ep.ready = (*c)["ready"].is_boolean() && (*c)["ready"].get<bool>();
    }
    if (auto t = e.find("targetRef"); t != e.end() && t->is_object()) ep.pod_name = str(*t, "name");
    if (ep.pod_name.empty()) ep.pod_name = ep.ip;
    out.push_back(ep);
  }
  return out;
}

bool selectorMatches(const std::map<std::string, std::string>& selector, const json& labels) {
  if (selector.empty()) return false;
  if (!labels.is_object()) return false;
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || !it->is_string() || it->get<std::string>() != v) return false;
  }
  return true;
}

bool selectsPod(const PaymentService& service, const json& pod) {
  auto meta = pod.find("metadata");
  if (meta == pod.end() || !meta->is_object()) return false;
  std::string ns = str(*meta, "namespace");
  if ((ns.empty() ? "default" : ns) != service.metadata.namespace_) return false;
  return selectorMatches(service.spec.selector, meta->value("labels", json::object()));
}

PodEndpoints endpointsFromPods(const PaymentService& service, const std::vector<const json*>& pods) {
  PodEndpoints out;
  for (const json* pod : pods) {
    if (!selectsPod(service, *pod)) continue;
    auto ep = endpointFromPod(*pod);
    if (!ep.isOk())
      out.errors.push_back(ep.status().message());
    else if (ep->has_value())
      out.endpoints.push_back(**ep);
  }
  return out;
}

std::vector<ServiceEndpoint> readyEndpoints(std::vector<ServiceEndpoint> endpoints) {
  std::vector<ServiceEndpoint> out;
  for (auto& e : endpoints) {
    if (e.ready) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const ServiceEndpoint& a, const ServiceEndpoint& b) {
    return a.pod_name != b.pod_name ? a.pod_name < b.pod_name : a.ip < b.ip;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const ServiceEndpoint& a, const ServiceEndpoint& b) { return a.pod_name == b.pod_name; }),
            out.end());
  return out;
}

}  // namespace paymesh::model
