#include "policy/reload_check.h"

#include <gtest/gtest.h>

#include <functional>

#include "policy/names.h"
#include "render_fixture.h"
#include "yaml/yaml.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using Files = std::map<std::string, std::string>;

Files renderedFiles(const std::string& service) {
  auto in = testing::exampleInputs();
  return testing::render(in.namespaces.at("payments"), service).files;
}

// `files` with one YAML file changed by `edit`.
Files edited(Files files, const std::string& name, const std::function<void(json&)>& edit) {
  auto docs = yaml::parseYamlDocuments(files.at(name));
  EXPECT_TRUE(docs.isOk());
  json doc = (*docs)[0].value;
  edit(doc);
  files[name] = yaml::toYaml(doc);
  return files;
}

// The first problem, or "" (for readable failures).
std::string first(const std::vector<std::string>& problems) { return problems.empty() ? "" : problems.front(); }

json& clusterNamed(json& cds, const std::string& name) {
  for (auto& c : cds["resources"])
    if (c["name"] == name) return c;
  ADD_FAILURE() << "no cluster " << name;
  static json none;
  return none;
}

TEST(ReloadCheckTest, EveryExampleServiceReloadsEverythingThatChanges) {
  auto in = testing::exampleInputs();
  for (const auto& [name, svc] : in.namespaces.at("payments").services) {
    auto cfg = testing::render(in.namespaces.at("payments"), name);
    EXPECT_EQ(reloadProblems(cfg.files), std::vector<std::string>{}) << name;
  }
  // And every TLS mode of the service itself.
  for (auto mode : {model::TlsMode::kStrict, model::TlsMode::kPermissive, model::TlsMode::kDisable}) {
    auto space = in.namespaces.at("payments");
    space.services.at("payment").spec.tls.mode = mode;
    EXPECT_EQ(reloadProblems(testing::render(space, "payment").files), std::vector<std::string>{});
  }
}

TEST(ReloadCheckTest, AStaticCertificateInAClusterIsFound) {
  Files files = edited(renderedFiles("payment"), kClustersFile, [](json& cds) {
    json& common = clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"]["common_tls_context"];
    common["tls_certificates"] = json::parse(
        R"([{"certificate_chain": {"filename": "/etc/paymesh/tls/tls.crt"},
             "private_key": {"filename": "/etc/paymesh/tls/tls.key"}}])");
  });
  auto problems = reloadProblems(files);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(first(problems).find("cds.yaml: resources[4].transport_socket.typed_config.common_tls_context."
                                 "tls_certificates: static"),
            std::string::npos)
      << first(problems);
  // The filenames under it are named too.
  bool filename = false;
  for (const auto& p : problems) filename = filename || p.find("certificate_chain.filename") != std::string::npos;
  EXPECT_TRUE(filename);
}

TEST(ReloadCheckTest, AStaticCaInAListenerIsFound) {
  Files files = edited(renderedFiles("settlement"), kListenersFile, [](json& lds) {
    json& v = lds["resources"][0]["filter_chains"][0]["transport_socket"]["typed_config"]["common_tls_context"]
                 ["combined_validation_context"]["default_validation_context"];
    v["trusted_ca"] = {{"inline_string", "-----BEGIN CERTIFICATE-----"}};
  });
  auto problems = reloadProblems(files);
  ASSERT_EQ(problems.size(), 2u) << first(problems);
  EXPECT_NE(problems[0].find("default_validation_context.trusted_ca: static"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("trusted_ca.inline_string: a file or bytes in a TLS context"), std::string::npos);
}

TEST(ReloadCheckTest, AContextWithoutTheTrustBundleIsFound) {
  Files files = edited(renderedFiles("payment"), kClustersFile, [](json& cds) {
    clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"]["common_tls_context"].erase(
        "combined_validation_context");
  });
  EXPECT_NE(first(reloadProblems(files)).find("no trust bundle from SDS"), std::string::npos);
}

TEST(ReloadCheckTest, SdsReferencesMustNameTheOneSecretOfAnExistingFile) {
  Files wrong_name = edited(renderedFiles("payment"), kClustersFile, [](json& cds) {
    clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"]["common_tls_context"]
                                          ["tls_certificate_sds_secret_configs"][0]["name"] = "other";
  });
  EXPECT_NE(first(reloadProblems(wrong_name)).find("\"other\" is not the one secret of sds-certificate.yaml"),
            std::string::npos)
      << first(reloadProblems(wrong_name));

  Files missing = renderedFiles("payment");
  missing.erase(kTrustBundleSdsFile);
  EXPECT_NE(first(reloadProblems(missing)).find("path: not a file of the ConfigMap"), std::string::npos)
      << first(reloadProblems(missing));

  Files bootstrap_secret = edited(renderedFiles("payment"), kClustersFile, [](json& cds) {
    clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"]["common_tls_context"]
                                          ["tls_certificate_sds_secret_configs"][0]
                                              .erase("sds_config");
  });
  EXPECT_NE(first(reloadProblems(bootstrap_secret)).find("names a bootstrap static secret"), std::string::npos);
}

TEST(ReloadCheckTest, SdsSecretsMustNameAndWatchTheSecretMount) {
  Files elsewhere = edited(renderedFiles("payment"), kCertificateSdsFile, [](json& sds) {
    sds["resources"][0]["tls_certificate"]["certificate_chain"]["filename"] = "/etc/ssl/tls.crt";
  });
  EXPECT_NE(first(reloadProblems(elsewhere))
                .find("certificate_chain.filename: not a file of the Secret mounted at "
                      "/etc/paymesh/tls"),
            std::string::npos)
      << first(reloadProblems(elsewhere));

  Files unwatched = edited(renderedFiles("payment"), kTrustBundleSdsFile, [](json& sds) {
    sds["resources"][0]["validation_context"]["watched_directory"]["path"] = "/etc/paymesh/config";
  });
  EXPECT_NE(first(reloadProblems(unwatched)).find("validation_context.watched_directory: must watch /etc/paymesh/tls"),
            std::string::npos);

  Files inline_key = edited(renderedFiles("payment"), kCertificateSdsFile, [](json& sds) {
    sds["resources"][0]["tls_certificate"]["private_key"] = {{"inline_string", "-----BEGIN PRIVATE KEY-----"}};
  });
  EXPECT_NE(first(reloadProblems(inline_key))
                .find("private_key.inline_string: certificate or key bytes in the "
                      "ConfigMap"),
            std::string::npos);
}

TEST(ReloadCheckTest, ConfigSourcesMustWatchTheConfigMapMount) {
  Files wrong_dir = edited(renderedFiles("payment"), kBootstrapFile, [](json& b) {
    b["dynamic_resources"]["cds_config"]["path_config_source"]["watched_directory"]["path"] = "/etc/envoy";
  });
  EXPECT_NE(first(reloadProblems(wrong_dir))
                .find("envoy.yaml: dynamic_resources.cds_config.path_config_source."
                      "watched_directory: must watch /etc/paymesh/config"),
            std::string::npos)
      << first(reloadProblems(wrong_dir));

  Files unwatched = edited(renderedFiles("payment"), kClustersFile, [](json& cds) {
    json& eds = clusterNamed(cds, "outbound|clearing")["eds_cluster_config"]["eds_config"];
    eds.erase("path_config_source");
    eds["path"] = "/etc/paymesh/config/eds-clearing.json";
  });
  auto problems = reloadProblems(unwatched);
  ASSERT_EQ(problems.size(), 2u) << first(problems);
  EXPECT_NE(problems[0].find("eds_config.path: unwatched path"), std::string::npos) << problems[0];

  Files server = edited(renderedFiles("payment"), kBootstrapFile, [](json& b) {
    b["dynamic_resources"]["lds_config"] = {{"ads", json::object()}, {"resource_api_version", "V3"}};
  });
  EXPECT_NE(first(reloadProblems(server)).find("lds_config.ads: needs an xDS server"), std::string::npos);

  Files static_secrets = edited(renderedFiles("payment"), kBootstrapFile, [](json& b) {
    b["static_resources"]["secrets"] = json::array({{{"name", "workload-certificate"}}});
  });
  EXPECT_NE(first(reloadProblems(static_secrets)).find("static_resources.secrets: static secrets are read once"),
            std::string::npos);
}

TEST(ReloadCheckTest, KeysFromAFileAndAJwksClusterOffTheImageBundleAreFound) {
  Files files = renderedFiles("payment");
  auto from_file = edited(files, kListenersFile, [](json& lds) {
    for (auto& f : lds["resources"][0]["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"])
      if (f["name"] == "envoy.filters.http.jwt_authn")
        f["typed_config"]["providers"]["payments-idp"]["local_jwks"] = {{"filename", "/etc/paymesh/config/jwks.json"}};
  });
  EXPECT_NE(first(reloadProblems(from_file)).find("local_jwks.filename: read once"), std::string::npos)
      << first(reloadProblems(from_file));
  auto cluster = edited(files, kClustersFile, [](json& cds) {
    cds["resources"].push_back(json::parse(R"({"name": "jwks|idp", "transport_socket": {"typed_config":
        {"common_tls_context": {"validation_context": {"trusted_ca": {"filename": "/tmp/ca.pem"}}}}}})"));
  });
  EXPECT_NE(first(reloadProblems(cluster)).find("must be the image's public CA bundle"), std::string::npos)
      << first(reloadProblems(cluster));
}

TEST(ReloadCheckTest, AFileThatDoesNotParseIsReported) {
  Files files = renderedFiles("payment");
  files["eds-clearing.json"] = "{\"resources\": [";
  EXPECT_EQ(first(reloadProblems(files)), "eds-clearing.json: cannot be parsed as one JSON or YAML document");
}

}  // namespace
}  // namespace paymesh::policy
