#include "charts/template_subset.h"

#include <gtest/gtest.h>

namespace paymesh::testing {
namespace {

ChartContext context() {
  ChartContext c;
  c.values = {{"image", {{"repository", "r"}, {"tag", ""}}},
              {"n", 2},
              {"res", {{"limits", {{"memory", "256Mi"}}}, {"list", {"a", "b"}}}}};
  c.chart = {{"appVersion", "1.2.3"}, {"name", "paymesh"}};
  c.release_namespace = "ns";
  c.helpers["labels"] = "a: {{ .Release.Name }}\nb: {{ .Chart.AppVersion | quote }}";
  return c;
}

TEST(TemplateSubsetTest, RendersTheActionsTheChartUses) {
  auto r = renderTemplate(
      "ns: {{ .Release.Namespace }}\nimage: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default "
      ".Chart.AppVersion }}\"\nn: {{ .Values.n }}\nlabels:\n  {{- include \"labels\" . | nindent 2 }}\nres:\n  "
      "{{- toYaml .Values.res | nindent 2 }}\nend: {{ .Values.missing | default \"x\" }}\n",
      "t.yaml", context());
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(*r,
            "ns: ns\nimage: \"r:1.2.3\"\nn: 2\nlabels:\n  a: paymesh\n  b: \"1.2.3\"\nres:\n  limits:\n    memory: "
            "\"256Mi\"\n  list:\n    - \"a\"\n    - \"b\"\nend: x\n");
}

TEST(TemplateSubsetTest, AnythingElseFailsWithFileAndLine) {
  for (const char* bad : {"{{ if .Values.n }}x{{ end }}", "{{ .Values.n | upper }}", "{{ $x := 1 }}",
                          "{{ include \"nope\" . }}", "{{ .Values.n"}) {
    auto r = renderTemplate(std::string("a: 1\n") + bad, "t.yaml", context());
    ASSERT_FALSE(r.isOk()) << bad;
    EXPECT_EQ(r.status().message().rfind("t.yaml:2: ", 0), 0u) << r.status().message();
  }
}

TEST(TemplateSubsetTest, HelpersAreTheDefineBlocks) {
  auto h = parseHelpers("{{- define \"a\" -}}\nx: 1\n{{- end }}\n{{- define \"b\" -}}\ny: 2\n{{- end }}\n", "h.tpl");
  ASSERT_TRUE(h.isOk());
  EXPECT_EQ(h->at("a"), "x: 1");
  EXPECT_EQ(h->at("b"), "y: 2");
}

}  // namespace
}  // namespace paymesh::testing
