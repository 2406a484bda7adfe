#include "policy/reload_check.h"

#include <set>

#include <nlohmann/json.hpp>

#include "base/field_path.h"
#include "policy/end_user_auth.h"
#include "policy/names.h"
#include "yaml/yaml.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;

constexpr const char* kSecretType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

// Data source fields: a file read, or bytes carried, by whatever holds them.
const std::set<std::string>& dataSourceFields() {
  static const std::set<std::string> kFields = {"filename", "inline_bytes", "inline_string", "environment_variable"};
  return kFields;
}

bool isConfigSource(const json& node) {
  for (const char* k : {"path_config_source", "api_config_source", "ads", "self", "resource_api_version"})
    if (node.contains(k)) return true;
  return false;
}

std::string watchedPath(const json& holder) {
  const json* w = holder.contains("watched_directory") ? &holder["watched_directory"] : nullptr;
  return w && w->is_object() && w->contains("path") && (*w)["path"].is_string() ? (*w)["path"].get<std::string>() : "";
}

class Checker {
public:
  explicit Checker(const std::map<std::string, std::string>& files) : files_(files) {}

  std::vector<std::string> run() {
    for (const auto& [name, text] : files_) {
      if (name == kRingFile) continue;   // not Envoy configuration
      if (isBinaryFile(name)) continue;  // a binary endpoint file: endpoints, no source or TLS
      file_ = name;
      const json* doc = parsed(name);
      if (!doc) continue;
      if (name == kBootstrapFile && doc->contains("static_resources") && (*doc)["static_resources"].is_object() &&
          (*doc)["static_resources"].contains("secrets"))
        problem("static_resources.secrets", "static secrets are read once, at start");
      walk(*doc, "", false);
    }
    return std::move(problems_);
  }

private:
  void problem(const std::string& path, const std::string& what) {
    problems_.push_back(file_ + ": " + (path.empty() ? "(root)" : path) + ": " + what);
  }

  // The file parsed (JSON for .json, YAML otherwise), or null (reported once).
  const json* parsed(const std::string& name) {
    auto it = docs_.find(name);
    if (it != docs_.end()) return it->second.is_discarded() ? nullptr : &it->second;
    json value = json::value_t::discarded;
    const std::string& text = files_.at(name);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      value = json::parse(text, nullptr, false);
    } else if (auto docs = yaml::parseYamlDocuments(text); docs.isOk() && docs->size() == 1) {
      value = (*docs)[0].value;
    }
    if (value.is_discarded()) problems_.push_back(name + ": cannot be parsed as one JSON or YAML document");
    json& slot = docs_[name] = std::move(value);
    return slot.is_discarded() ? nullptr : &slot;
  }

  void walk(const json& node, const std::string& path, bool in_transport_socket) {
    if (node.is_array()) {
      for (size_t i = 0; i < node.size(); ++i) walk(node[i], indexPath(path, i), in_transport_socket);
      return;
    }
    if (!node.is_object()) return;
    if (node.value("@type", "") == kSecretType) {
      checkSecret(node, path);
      return;
    }
    if (node.contains("name") && node["name"].is_string() &&
        node["name"].get<std::string>().rfind(jwksCluster(""), 0) == 0 && node.contains("transport_socket")) {
      checkJwksCluster(node, path);
      return;
    }
    if (node.contains("local_jwks") && node["local_jwks"].is_object() && node["local_jwks"].contains("filename"))
      problem(childPath(childPath(path, "local_jwks"), "filename"),
              "read once, when the filter is created: rotated keys would never be seen; carry them inline");
    if (node.contains("common_tls_context"))
      checkTlsContext(node["common_tls_context"], childPath(path, "common_tls_context"));
    if (isConfigSource(node)) checkConfigSource(node, path);
    for (const auto& [key, value] : node.items()) {
      std::string p = childPath(path, key);
      if (in_transport_socket && dataSourceFields().count(key))
        problem(p, "a file or bytes in a TLS context: read once when the listener or cluster is created");
      walk(value, p, in_transport_socket || key == "transport_socket");
    }
  }

  // A cluster to an issuer's JWKS: public HTTPS, verified against the image's CA bundle,
  // which never changes in a pod; no client certificate, no other file or bytes.
  void checkJwksCluster(const json& cluster, const std::string& path) {
    std::string p = childPath(childPath(path, "transport_socket"), "typed_config");
    const json& tls = cluster["transport_socket"].value("typed_config", json::object());
    const json& ctx = tls.value("common_tls_context", json::object());
    const json& ca = ctx.value("validation_context", json::object()).value("trusted_ca", json::object());
    if (ca.value("filename", "") != kPublicCaBundle)
      problem(childPath(p, "common_tls_context.validation_context.trusted_ca"),
              std::string("must be the image's public CA bundle ") + kPublicCaBundle);
    if (ctx.contains("tls_certificates") || ctx.contains("tls_certificate_sds_secret_configs"))
      problem(childPath(p, "common_tls_context"), "no client certificate is presented to an issuer");
  }

  void checkConfigSource(const json& source, const std::string& path) {
    for (const char* k : {"api_config_source", "ads", "self"})
      if (source.contains(k)) problem(childPath(path, k), "needs an xDS server; the sidecar reads only its files");
    if (source.contains("path")) problem(childPath(path, "path"), "unwatched path; use path_config_source");
    if (!source.contains("path_config_source")) {
      problem(path, "no path_config_source");
      return;
    }
    const json& pcs = source["path_config_source"];
    std::string p = childPath(path, "path_config_source");
    if (configFile(pcs).empty())
      problem(childPath(p, "path"), "not a file of the ConfigMap mounted at " + std::string(kConfigDir));
    if (watchedPath(pcs) != kConfigDir)
      problem(childPath(p, "watched_directory"), "must watch " + std::string(kConfigDir) +
                                                     ", where the ConfigMap is mounted (its ..data link is swapped)");
  }

  // The ConfigMap key a path_config_source reads, or "" when it reads anything else.
  std::string configFile(const json& pcs) const {
    std::string prefix = std::string(kConfigDir) + "/";
    std::string p = pcs.is_object() ? pcs.value("path", "") : "";
    if (p.rfind(prefix, 0) != 0) return "";
    std::string key = p.substr(prefix.size());
    return files_.count(key) ? key : "";
  }

  void checkTlsContext(const json& ctx, const std::string& path) {
    if (!ctx.is_object()) return;
    for (const char* k : {"tls_certificates", "validation_context", "tls_certificate_provider_instance",
                          "validation_context_certificate_provider_instance"})
      if (ctx.contains(k)) problem(childPath(path, k), "static: read once when the listener or cluster is created");
    if (!ctx.contains("tls_certificate_sds_secret_configs") || ctx["tls_certificate_sds_secret_configs"].empty())
      problem(path, "no certificate from SDS");
    else
      for (size_t i = 0; i < ctx["tls_certificate_sds_secret_configs"].size(); ++i)
        checkSdsReference(ctx["tls_certificate_sds_secret_configs"][i],
                          indexPath(childPath(path, "tls_certificate_sds_secret_configs"), i));
    if (ctx.contains("validation_context_sds_secret_config")) {
      checkSdsReference(ctx["validation_context_sds_secret_config"],
                        childPath(path, "validation_context_sds_secret_config"));
    } else if (ctx.contains("combined_validation_context")) {
      const json& combined = ctx["combined_validation_context"];
      std::string cp = childPath(path, "combined_validation_context");
      const json& def = combined.value("default_validation_context", json::object());
      for (const char* k : {"trusted_ca", "crl"})
        if (def.contains(k))
          problem(childPath(childPath(cp, "default_validation_context"), k),
                  "static: read once when the listener or cluster is created");
      if (combined.contains("validation_context_sds_secret_config"))
        checkSdsReference(combined["validation_context_sds_secret_config"],
                          childPath(cp, "validation_context_sds_secret_config"));
      else
        problem(cp, "no trust bundle from SDS: the peer's certificate would not be verified");
    } else {
      problem(path, "no trust bundle from SDS: the peer's certificate would not be verified");
    }
  }

  // An SdsSecretConfig: a named secret from a file of the ConfigMap that holds it alone
  // (Envoy's file subscription takes the file's one resource, and checks its name).
  void checkSdsReference(const json& ref, const std::string& path) {
    std::string name = ref.is_object() ? ref.value("name", "") : "";
    if (!ref.is_object() || !ref.contains("sds_config")) {
      problem(path, "names a bootstrap static secret: read once, at start");
      return;
    }
    std::string file = configFile(ref["sds_config"].value("path_config_source", json::object()));
    if (file.empty()) return;  // reported on the config source itself
    const json* doc = parsed(file);
    const json resources = doc && doc->is_object() ? doc->value("resources", json::array()) : json::array();
    if (resources.size() != 1 || resources[0].value("@type", "") != kSecretType ||
        resources[0].value("name", "") != name)
      problem(childPath(path, "name"), "\"" + name + "\" is not the one secret of " + file);
  }

  // A Secret resource (in an SDS file): the Secret mount's files, watched there; no bytes.
  void checkSecret(const json& secret, const std::string& path) {
    checkSecretData(secret, path);
    auto watched = [&](const char* kind) {
      const json& body = secret[kind];
      if (watchedPath(body) != kTlsDir)
        problem(childPath(childPath(path, kind), "watched_directory"),
                "must watch " + std::string(kTlsDir) + ", where the Secret is mounted (its ..data link is swapped)");
    };
    if (secret.contains("tls_certificate")) watched("tls_certificate");
    if (secret.contains("validation_context")) watched("validation_context");
    if (!secret.contains("tls_certificate") && !secret.contains("validation_context"))
      problem(path, "neither a certificate nor a validation context");
  }

  void checkSecretData(const json& node, const std::string& path) {
    if (node.is_array()) {
      for (size_t i = 0; i < node.size(); ++i) checkSecretData(node[i], indexPath(path, i));
      return;
    }
    if (!node.is_object()) return;
    std::string prefix = std::string(kTlsDir) + "/";
    for (const auto& [key, value] : node.items()) {
      std::string p = childPath(path, key);
      if (key == "filename" && !(value.is_string() && value.get<std::string>().rfind(prefix, 0) == 0))
        problem(p, "not a file of the Secret mounted at " + std::string(kTlsDir));
      else if (key != "filename" && dataSourceFields().count(key))
        problem(p, "certificate or key bytes in the ConfigMap: they belong in the Secret");
      checkSecretData(value, p);
    }
  }

  const std::map<std::string, std::string>& files_;
  std::map<std::string, json> docs_;
  std::string file_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> reloadProblems(const std::map<std::string, std::string>& files) {
  return Checker(files).run();
}

}  // namespace paymesh::policy
