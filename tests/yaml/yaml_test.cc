#include "yaml/yaml.h"

#include <gtest/gtest.h>

namespace paymesh::yaml {
namespace {

using nlohmann::json;

TEST(YamlJsonTest, MultiDocumentWithLines) {
  auto docs =
      parseYamlDocuments("a: 1\n---\n# comment\nkind: X\nspec:\n  ports:\n    - name: p\n      port: 80\n---\n");
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
  for (std::string deep :
       {std::string(100000, '[') + std::string(100000, ']'), std::string(3000, '{') + std::string(3000, '}')}) {
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

TEST(YamlJsonTest, MultiLineTextPrintsAsALiteralBlockAndReadsBack) {
  for (std::string text : {"a\nb", "a\nb\n", "a\nb\n\n\n", "resources:\n  - x: 1\n    y: [2]\n", "a\n\n  b\n",
                           " leading\nspace", "\nstarts empty", "tab\tinside\nok\n", "# comment\n- dash\n"}) {
    nlohmann::json v = {{"data", {{"file", text}}}};
    std::string yaml = toYaml(v);
    auto docs = parseYamlDocuments(yaml);
    ASSERT_TRUE(docs.isOk()) << yaml;
    EXPECT_EQ((*docs)[0].value, v) << yaml;
  }
  EXPECT_NE(toYaml(nlohmann::json{{"f", "a: 1\nb: 2\n"}}).find("f: |\n  a: 1\n  b: 2\n"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::yaml

namespace paymesh::yaml {
namespace {

TEST(YamlJsonTest, InvalidUtf8IsRefusedWithItsLine) {
  for (std::string bad : {std::string("a: 1\nb: \xff\n"), std::string("a: 1\nb: \xc0\xaf\n"),
                          std::string("a: 1\nb: \xed\xa0\x80\n"), std::string("a: 1\nb: \xe2\x82\n")}) {
    auto docs = parseYamlDocuments(bad);
    ASSERT_FALSE(docs.isOk());
    EXPECT_EQ(docs.status().message(), "line 2: input is not valid UTF-8");
  }
  auto ok = parseYamlDocuments("name: \xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xb3\n");
  ASSERT_TRUE(ok.isOk());
  EXPECT_EQ((*ok)[0].value["name"], "\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xb3");
}

}  // namespace
}  // namespace paymesh::yaml

namespace paymesh::yaml {
namespace {

// Inputs that made other YAML parsers loop forever; each must answer at once.
TEST(YamlJsonTest, MalformedInputsAnswerAtOnce) {
  for (const char* bad : {",a\n- b\n", "# c\n,s#o x\n  ports:\n    - na\ntrme: grpc\n    us t\n", "[", "{a: [}",
                          "a: b: c", "- a\nb: c\n", "\t- tab\n", "? [a]\n: b\n", "*undefined\n", "&a [*a]\n"}) {
    auto docs = parseYamlDocuments(bad);
    EXPECT_FALSE(docs.isOk()) << bad;
    if (!docs.isOk()) {
      EXPECT_EQ(docs.status().message().rfind("line ", 0), 0u) << docs.status().message();
    }
  }
}

TEST(YamlJsonTest, AnchorsAliasesAndMergeKeys) {
  auto docs = parseYamlDocuments(
      "base: &cb {maxConnections: 10, interval: 5s}\n"
      "tuned:\n  <<: *cb\n  interval: 1s\n"
      "list: &l [1, 2]\ncopy: *l\n"
      "many:\n  <<: [*cb, {extra: true}]\n");
  ASSERT_TRUE(docs.isOk()) << docs.status().message();
  const auto& v = (*docs)[0].value;
  EXPECT_EQ(v["tuned"], nlohmann::json::parse(R"({"maxConnections": 10, "interval": "1s"})"));
  EXPECT_EQ(v["copy"], nlohmann::json::array({1, 2}));
  EXPECT_EQ(v["many"]["extra"], true);
  EXPECT_EQ(v["many"]["maxConnections"], 10);
  EXPECT_EQ((*docs)[0].lines.at("tuned.interval"), 4);
}

TEST(YamlJsonTest, NonStringKeysAreRefused) {
  auto docs = parseYamlDocuments("? [a, b]\n: c\n");
  ASSERT_FALSE(docs.isOk());
  EXPECT_NE(docs.status().message().find("mapping keys must be strings"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::yaml
