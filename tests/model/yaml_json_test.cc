#include "model/yaml_json.h"

#include <gtest/gtest.h>

namespace paymesh::model {
namespace {

using nlohmann::json;

TEST(YamlJsonTest, MultiDocumentWithLines) {
  auto docs = parseYamlDocuments("a: 1\n---\n# comment\nkind: X\nspec:\n  ports:\n    - name: p\n      port: 80\n---\n");
  ASSERT_TRUE(docs.isOk()) << docs.status().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].value, json({{"a", 1}}));
  const auto& d = (*docs)[1];
  EXPECT_EQ(d.line, 4);
  EXPECT_EQ(d.lines.at("spec.ports[0].port"), 8);
  EXPECT_EQ(d.lineOf("spec.ports[0].port"), 8);
  EXPECT_EQ(d.lineOf("spec.ports[0].missing"), 7);  // nearest ancestor
  EXPECT_EQ(d.lineOf("spec.nothing.deeper"), 5);
}

TEST(YamlJsonTest, ScalarsResolveAsKubernetesDoes) {
  auto docs = parseYamlDocuments(
      "i: 42\nneg: -7\nhex: 0x1F\nf: 1.5\nt: true\ny: yes\noff: off\nn: null\ne:\ns: hello\nq: \"42\"\nsq: 'true'\n"
      "big: 99999999999999999999\n");
  ASSERT_TRUE(docs.isOk());
  const json& v = (*docs)[0].value;
  EXPECT_EQ(v["i"], 42);
  EXPECT_EQ(v["neg"], -7);
  EXPECT_EQ(v["hex"], 31);
  EXPECT_EQ(v["f"], 1.5);
  EXPECT_EQ(v["t"], true);
  EXPECT_EQ(v["y"], true);
  EXPECT_EQ(v["off"], false);
  EXPECT_TRUE(v["n"].is_null());
  EXPECT_TRUE(v["e"].is_null());
  EXPECT_EQ(v["s"], "hello");
  EXPECT_EQ(v["q"], "42");
  EXPECT_EQ(v["sq"], "true");
  EXPECT_TRUE(v["big"].is_number_float());
}

TEST(YamlJsonTest, ReadsJson) {
  auto docs = parseYamlDocuments("{\"kind\": \"X\",\n \"spec\": {\"port\": 80, \"name\": \"80\"}}");
  ASSERT_TRUE(docs.isOk());
  EXPECT_EQ((*docs)[0].value["spec"]["port"], 80);
  EXPECT_EQ((*docs)[0].value["spec"]["name"], "80");
  EXPECT_EQ((*docs)[0].lines.at("spec.port"), 2);
}

TEST(YamlJsonTest, BrokenYamlNamesTheLine) {
  auto docs = parseYamlDocuments("a: 1\nb: [1, 2\n");
  ASSERT_FALSE(docs.isOk());
  EXPECT_EQ(docs.status().message().rfind("line ", 0), 0u) << docs.status().message();
}

TEST(YamlJsonTest, DuplicateKeysAreErrors) {
  auto docs = parseYamlDocuments("spec:\n  a: 1\n  a: 2\n");
  ASSERT_FALSE(docs.isOk());
  EXPECT_NE(docs.status().message().find("line 3: duplicate key \"a\" in spec"), std::string::npos)
      << docs.status().message();
}

TEST(YamlJsonTest, AliasBombIsRefused) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  auto docs = parseYamlDocuments(bomb);
  ASSERT_FALSE(docs.isOk());
  EXPECT_NE(docs.status().message().find("document too large"), std::string::npos) << docs.status().message();
}

TEST(YamlJsonTest, DeepNestingIsRefused) {
  for (std::string deep : {std::string(100000, '[') + std::string(100000, ']'),
                           std::string(3000, '{') + std::string(3000, '}')}) {
    auto docs = parseYamlDocuments(deep);
    EXPECT_FALSE(docs.isOk());
  }
  std::string block;
  for (int i = 0; i < 300; ++i) block += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  auto docs = parseYamlDocuments(block);
  ASSERT_FALSE(docs.isOk());
  EXPECT_NE(docs.status().message().find("nested deeper"), std::string::npos);
}

TEST(YamlJsonTest, BinaryAndHugeInputs) {
  EXPECT_FALSE(parseYamlDocuments(std::string("\x00\x01\x02", 3)).isOk());
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 255 + 1);
  (void)parseYamlDocuments(garbage);  // must not crash, whatever it answers
  std::string big = "s: " + std::string(1 << 20, 'x') + "\n";
  auto docs = parseYamlDocuments(big);
  ASSERT_TRUE(docs.isOk());
  EXPECT_EQ((*docs)[0].value["s"].get<std::string>().size(), 1u << 20);
  YamlLimits small;
  small.max_bytes = 100;
  EXPECT_FALSE(parseYamlDocuments(big, small).isOk());
}

TEST(YamlJsonTest, EmptyInputHasNoDocuments) {
  auto docs = parseYamlDocuments("");
  ASSERT_TRUE(docs.isOk());
  EXPECT_TRUE(docs->empty());
  docs = parseYamlDocuments("---\n---\n# only comments\n");
  ASSERT_TRUE(docs.isOk());
  EXPECT_TRUE(docs->empty());
}

TEST(YamlJsonTest, EmitterRoundTrips) {
  json v = json::parse(R"({"a": {"b": [1, "two", true, null, {"c": "yes", "d": ["x"]}], "e": {}, "f": []},
                           "g": "needs: quote", "h": "42", "i": "", "j": "line\nbreak", "k": "-dash", "l": 1.5})");
  std::string text = toYaml(v);
  auto docs = parseYamlDocuments(text);
  ASSERT_TRUE(docs.isOk()) << text;
  EXPECT_EQ((*docs)[0].value, v) << text;
}

}  // namespace
}  // namespace paymesh::model
