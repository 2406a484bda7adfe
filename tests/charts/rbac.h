#pragma once
// The chart's RBAC as the API server's RBAC authorizer evaluates it for one
// ServiceAccount: every rule of the Roles and ClusterRoles its bindings grant, with where
// the binding makes it apply. Lets a test ask "may it?" of the rendered chart, as
// `kubectl auth can-i --as=system:serviceaccount:NS:NAME` would ask a cluster.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "charts/helm.h"

namespace paymesh::testing {

// One request as an authorizer sees it. `resource` carries its subresource
// ("paymentservices/status"); `ns` is "" for a cluster-scoped object or an
// all-namespaces list or watch; `name` is "" for create, list and watch.
struct Access {
  std::string verb, group, resource, ns, name;
};

// A rule and where it applies: everywhere (ClusterRoleBinding, ns "") or in the namespace
// of the RoleBinding that grants it.
struct Grant {
  std::string role;  // "ClusterRole paymesh-operator", "Role paymesh-system/paymesh-operator-secrets"
  std::string ns;
  nlohmann::json rule;
};

std::vector<Grant> grantsFor(const Rendered& chart, const std::string& ns, const std::string& service_account);

// RBAC's own rules: the group, resource and verb listed (or "*"); a rule with
// resourceNames only for a request that names one of them; a RoleBinding's grant only
// inside its namespace.
bool allows(const Grant& grant, const Access& access);
bool allowed(const std::vector<Grant>& grants, const Access& access);

// Every grant split into one verb on one group/resource (and one name when the rule lists
// names), so that each can be checked for use on its own.
std::vector<Grant> atomsOf(const std::vector<Grant>& grants);

std::string describe(const Access& access);
std::string describe(const Grant& atom);

}  // namespace paymesh::testing
