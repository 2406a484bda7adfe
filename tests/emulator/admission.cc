#include "emulator/admission.h"

#include "base/base64.h"
#include "emulator/label_selector.h"
#include "emulator/status_errors.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

bool rulesMatchPodCreate(const json& hook) {
  for (const auto& rule : hook.value("rules", json::array())) {
    auto has = [&](const char* field, const std::string& want) {
      for (const auto& v : rule.value(field, json::array())) {
        if (v == "*" || v == want) return true;
      }
      return false;
    };
    if (has("operations", "CREATE") && has("apiGroups", "") && has("apiVersions", "v1") && has("resources", "pods"))
      return true;
  }
  return false;
}

std::string webhookUrl(const json& client_config, const std::map<std::string, std::string>& service_hosts) {
  std::string url = client_config.value("url", "");
  if (url.empty() && client_config.contains("service")) {
    const auto& s = client_config["service"];
    auto it = service_hosts.find(s.value("name", "") + "." + s.value("namespace", ""));
    if (it != service_hosts.end()) url = "https://" + it->second + s.value("path", "/");
  }
  return url;
}

// The name a service reference's certificate must carry: it is dialled at its mapped
// address but verified as <name>.<namespace>.svc, as kube-apiserver does ("" for a url).
std::string webhookServerName(const json& client_config) {
  if (!client_config.value("url", "").empty() || !client_config.contains("service")) return "";
  const auto& s = client_config["service"];
  return s.value("name", "") + "." + s.value("namespace", "") + ".svc";
}

std::string caBundle(const json& client_config) {
  if (!client_config.contains("caBundle") || !client_config["caBundle"].is_string()) return "";
  auto decoded = base64Decode(client_config["caBundle"].get<std::string>());
  return decoded.isOk() ? decoded.value() : "";
}

json reviewFor(const json& pod, const std::string& uid, bool dry_run) {
  json gvk = {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}};
  json gvr = {{"group", ""}, {"version", "v1"}, {"resource", "pods"}};
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", gvk},
            {"resource", gvr},
            {"requestKind", gvk},
            {"requestResource", gvr},
            {"name", pod["metadata"].value("name", "")},
            {"namespace", pod["metadata"].value("namespace", "")},
            {"operation", "CREATE"},
            {"userInfo", {{"username", "system:admin"}, {"groups", {"system:masters"}}}},
            {"object", pod},
            {"oldObject", nullptr},
            {"dryRun", dry_run},
            {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
}

// Applies the webhook's answer to `pod`: the denial to answer, or an error for a bad answer.
std::optional<HttpResponse> applyAnswer(const json& answer, const std::string& uid, const std::string& hook_name,
                                        json& pod, std::string& error) {
  const json& resp = answer.value("response", json::object());
  if (resp.value("uid", "") != uid) {
    error = "response uid does not match the request uid";
    return std::nullopt;
  }
  if (!resp.value("allowed", false)) {
    const json& st = resp.value("status", json::object());
    return statusError(st.value("code", 403), "admission webhook \"" + hook_name + "\" denied the request: " +
                                                  st.value("message", std::string("denied")));
  }
  if (!resp.contains("patch")) return std::nullopt;
  auto decoded = resp["patch"].is_string() ? base64Decode(resp["patch"].get<std::string>())
                                           : Result<std::string>(invalidArgument("patch is not a string"));
  if (!decoded.isOk()) {
    error = "bad JSONPatch: " + decoded.status().message();
    return std::nullopt;
  }
  try {
    pod = pod.patch(json::parse(decoded.value()));
  } catch (const std::exception& e) {
    error = std::string("bad JSONPatch: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> admitPodCreate(const AdmissionRequest& request, json& pod, const WebhookCaller& caller,
                                           const std::map<std::string, std::string>& service_hosts) {
  for (const auto& cfg : request.configurations) {
    for (const auto& hook : cfg.value("webhooks", json::array())) {
      if (!rulesMatchPodCreate(hook)) continue;
      std::string err;
      if (!matchesLabelSelector(hook.value("namespaceSelector", json::object()), labelsOf(request.namespace_object),
                                err))
        continue;
      if (!matchesLabelSelector(hook.value("objectSelector", json::object()), labelsOf(pod), err)) continue;
      const json& cc = hook.value("clientConfig", json::object());
      std::string url = webhookUrl(cc, service_hosts);
      std::string hook_name = hook.value("name", "");
      std::string side_effects = hook.value("sideEffects", "");
      if (request.dry_run && side_effects != "None" && side_effects != "NoneOnDryRun")
        return statusError(400, "admission webhook \"" + hook_name + "\" does not support dry run");
      WebhookResult res;
      if (url.empty())
        res.error = "no reachable clientConfig (url, or a service mapped in service_hosts)";
      else
        res = caller(url, caBundle(cc), std::chrono::seconds(hook.value("timeoutSeconds", 10)),
                     reviewFor(pod, request.uid, request.dry_run), webhookServerName(cc));
      if (res.error.empty()) {
        if (auto denied = applyAnswer(res.review, request.uid, hook_name, pod, res.error)) return denied;
      }
      if (!res.error.empty() && hook.value("failurePolicy", "Fail") == "Fail")
        return statusError(500, "Internal error occurred: failed calling webhook \"" + hook_name + "\": " + res.error);
    }
  }
  return std::nullopt;
}

}  // namespace paymesh::emulator
