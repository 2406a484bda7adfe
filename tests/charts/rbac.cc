#include "charts/rbac.h"

namespace paymesh::testing {
namespace {

using nlohmann::json;

bool lists(const json& list, const std::string& v) {
  for (const auto& e : list)
    if (e == v || e == "*") return true;
  return false;
}

bool bindsAccount(const json& binding, const std::string& ns, const std::string& account) {
  for (const auto& s : binding.value("subjects", json::array()))
    if (s.value("kind", "") == "ServiceAccount" && s.value("name", "") == account && s.value("namespace", "") == ns)
      return true;
  return false;
}

}  // namespace

std::vector<Grant> grantsFor(const Rendered& chart, const std::string& ns, const std::string& service_account) {
  std::vector<Grant> out;
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const auto* b : chart.ofKind(kind)) {
      const json& binding = b->value;
      if (!bindsAccount(binding, ns, service_account)) continue;
      const json& meta = binding["metadata"];
      std::string where = std::string(kind) == "RoleBinding" ? meta.value("namespace", "") : "";
      std::string ref_kind = binding["roleRef"].value("kind", "");
      std::string ref_name = binding["roleRef"].value("name", "");
      for (const auto* r : chart.ofKind(ref_kind)) {
        const json& role = r->value;
        // A RoleBinding's Role is the one in its own namespace.
        if (r->name() != ref_name || (ref_kind == "Role" && role["metadata"].value("namespace", "") != where)) continue;
        std::string label = ref_kind + " " + (ref_kind == "Role" ? where + "/" : "") + ref_name;
        for (const auto& rule : role.value("rules", json::array())) out.push_back({label, where, rule});
      }
    }
  }
  return out;
}

bool allows(const Grant& grant, const Access& a) {
  if (!grant.ns.empty() && a.ns != grant.ns) return false;
  const json& rule = grant.rule;
  if (!lists(rule.value("apiGroups", json::array()), a.group)) return false;
  if (!lists(rule.value("resources", json::array()), a.resource)) return false;
  if (!lists(rule.value("verbs", json::array()), a.verb)) return false;
  const json names = rule.value("resourceNames", json::array());
  return names.empty() || (!a.name.empty() && lists(names, a.name));
}

bool allowed(const std::vector<Grant>& grants, const Access& access) {
  for (const auto& g : grants)
    if (allows(g, access)) return true;
  return false;
}

std::vector<Grant> atomsOf(const std::vector<Grant>& grants) {
  std::vector<Grant> out;
  for (const auto& g : grants) {
    json names = g.rule.value("resourceNames", json::array());
    if (names.empty()) names.push_back("");
    for (const auto& group : g.rule["apiGroups"])
      for (const auto& resource : g.rule["resources"])
        for (const auto& verb : g.rule["verbs"])
          for (const auto& name : names) {
            json rule = {{"apiGroups", {group}}, {"resources", {resource}}, {"verbs", {verb}}};
            if (name != "") rule["resourceNames"] = {name};
            out.push_back({g.role, g.ns, rule});
          }
  }
  return out;
}

std::string describe(const Access& a) {
  return a.verb + " " + (a.group.empty() ? "core" : a.group) + "/" + a.resource + " in \"" + a.ns + "\" name \"" +
         a.name + "\"";
}

std::string describe(const Grant& atom) {
  const json& r = atom.rule;
  std::string out = r["verbs"][0].get<std::string>() + " " + r["apiGroups"][0].get<std::string>() + "/" +
                    r["resources"][0].get<std::string>();
  if (r.contains("resourceNames")) out += " named " + r["resourceNames"][0].get<std::string>();
  return out + " (" + atom.role + ")";
}

}  // namespace paymesh::testing
