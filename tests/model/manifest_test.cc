#include "model/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace paymesh::model {
namespace {

namespace fs = std::filesystem;

class ManifestTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("paymesh-manifest-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

TEST_F(ManifestTest, ReadsADirectoryInSortedOrder) {
  write("b.yaml", "kind: B\nmetadata: {name: b, namespace: x}\n");
  write("a.json", "{\"kind\": \"A\"}");
  write("sub/c.yml", "kind: C\n---\nkind: D\n");
  write("notes.txt", "kind: ignored\n");
  auto ms = readManifests(dir_.string());
  ASSERT_TRUE(ms.isOk()) << ms.status().message();
  ASSERT_EQ(ms->size(), 4u);
  EXPECT_EQ((*ms)[0].kind(), "A");
  EXPECT_EQ((*ms)[1].kind(), "B");
  EXPECT_EQ((*ms)[1].name(), "b");
  EXPECT_EQ((*ms)[1].namespaceOr("default"), "x");
  EXPECT_EQ((*ms)[2].kind(), "C");
  EXPECT_EQ((*ms)[3].kind(), "D");
  EXPECT_EQ((*ms)[3].doc.line, 3);
}

TEST_F(ManifestTest, ExpandsLists) {
  write("list.yaml", "kind: List\nitems:\n  - kind: A\n    spec:\n      x: 1\n  - kind: B\n");
  auto ms = readManifests((dir_ / "list.yaml").string());
  ASSERT_TRUE(ms.isOk());
  ASSERT_EQ(ms->size(), 2u);
  EXPECT_EQ((*ms)[0].kind(), "A");
  EXPECT_EQ((*ms)[0].lineOf("spec.x"), 5);
  EXPECT_EQ((*ms)[1].doc.line, 6);
}

TEST_F(ManifestTest, ErrorsNameTheFileAndLine) {
  auto missing = readManifests((dir_ / "nope.yaml").string());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.yaml: no such file"), std::string::npos);
  write("broken.yaml", "a: 1\nb: {\n");
  auto broken = readManifests((dir_ / "broken.yaml").string());
  ASSERT_FALSE(broken.isOk());
  EXPECT_NE(broken.status().message().find("broken.yaml:"), std::string::npos) << broken.status().message();
  EXPECT_EQ(broken.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace paymesh::model
