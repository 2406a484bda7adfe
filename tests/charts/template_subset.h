#pragma once
// Renders the chart's templates for tests, on machines without Helm. It implements only
// the template actions the chart's operator templates use, and fails on any other, naming
// the file and line, so a template that grows beyond it fails the test instead of being
// rendered wrongly:
//
//   {{ .Release.Namespace }} {{ .Release.Name }} {{ .Release.Service }}
//   {{ .Chart.AppVersion }} {{ .Chart.Name }} {{ .Chart.Version }} {{ .Values.a.b }}
//   {{ include "name" . }}  {{ toYaml .Values.a }}
//   pipelines through: quote, default <.Path or "literal">, nindent N
//   {{- and -}} trim the whitespace before and after the action, as in Helm
//
// Helpers come from {{- define "name" -}} ... {{- end }} blocks of _helpers.tpl.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace paymesh::testing {

struct ChartContext {
  nlohmann::json values;  // values.yaml
  nlohmann::json chart;   // Chart.yaml
  std::string release_name = "paymesh";
  std::string release_namespace = "paymesh-system";
  std::map<std::string, std::string> helpers;  // define name -> body
};

// The define blocks of a helpers file.
Result<std::map<std::string, std::string>> parseHelpers(const std::string& text, const std::string& file);

Result<std::string> renderTemplate(const std::string& text, const std::string& file, const ChartContext& context);

// Block-style YAML of a JSON value (toYaml); strings are double-quoted.
std::string toYaml(const nlohmann::json& value);

}  // namespace paymesh::testing
