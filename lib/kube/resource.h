#pragma once
// Which resource a request is about (group, version, plural) and the REST paths for it.

#include <string>

namespace paymesh::kube {

struct ResourceRef {
  std::string group;     // "" for the core group
  std::string version;
  std::string resource;  // plural, lower case
  std::string kind;
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }

  // /api/v1/namespaces/<ns>/pods[/<name>[/<subresource>]]; an empty `ns` on a namespaced
  // resource addresses all namespaces (lists and watches only).
  std::string path(const std::string& ns, const std::string& name = "", const std::string& subresource = "") const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
    p += "/" + resource;
    if (!name.empty()) p += "/" + name;
    if (!subresource.empty()) p += "/" + subresource;
    return p;
  }
};

namespace resources {
inline const ResourceRef kNamespaces{"", "v1", "namespaces", "Namespace", false};
inline const ResourceRef kPods{"", "v1", "pods", "Pod", true};
inline const ResourceRef kServices{"", "v1", "services", "Service", true};
inline const ResourceRef kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
inline const ResourceRef kSecrets{"", "v1", "secrets", "Secret", true};
inline const ResourceRef kEvents{"", "v1", "events", "Event", true};
inline const ResourceRef kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
inline const ResourceRef kEndpointSlices{"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true};
inline const ResourceRef kDeployments{"apps", "v1", "deployments", "Deployment", true};
inline const ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
inline const ResourceRef kMutatingWebhookConfigurations{"admissionregistration.k8s.io", "v1",
                                                        "mutatingwebhookconfigurations",
                                                        "MutatingWebhookConfiguration", false};
inline const ResourceRef kCustomResourceDefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                                    "CustomResourceDefinition", false};
inline const ResourceRef kPaymentServices{"paymesh.io", "v1alpha1", "paymentservices", "PaymentService", true};
}  // namespace resources

}  // namespace paymesh::kube
