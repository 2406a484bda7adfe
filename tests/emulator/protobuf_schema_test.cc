// The protobuf table: it parses, covers every built-in kind the emulator serves, and its
// format's errors name the line.

#include "emulator/protobuf_schema.h"

#include <gtest/gtest.h>

#include "emulator/resource_types.h"

namespace paymesh::emulator {
namespace {

TEST(ProtoSchema, CoversEveryServedBuiltinKind) {
  const ProtoSchema& schema = kubernetesProtoSchema();
  EXPECT_GT(schema.size(), 150u);
  for (const ResourceType& t : builtinTypes()) {
    if (t.kind == "CustomResourceDefinition") continue;  // sent as JSON by kubectl and helm
    EXPECT_NE(schema.find(t.kind), nullptr) << t.kind;
  }
  ASSERT_NE(schema.find("DeleteOptions"), nullptr);
  const ProtoField& replicas = schema.find("DeploymentSpec")->fields.at(1);
  EXPECT_EQ(replicas.json_name, "replicas");
  EXPECT_TRUE(replicas.pointer);
  EXPECT_EQ(replicas.kind, ProtoKind::kInt);
  const ProtoField& source = schema.find("Volume")->fields.at(2);
  EXPECT_TRUE(source.inlined);
  EXPECT_EQ(source.message, "VolumeSource");
  const ProtoField& data = schema.find("Secret")->fields.at(2);
  EXPECT_TRUE(data.map);
  EXPECT_EQ(data.kind, ProtoKind::kBytes);
}

TEST(ProtoSchema, ParseErrorsNameTheLine) {
  std::string error;
  EXPECT_EQ(ProtoSchema::parse("# c\nA: 1 a s;\n  2 b []B\nB: 1 x i\n", error).size(), 2u);
  EXPECT_EQ(error, "");
  ProtoSchema::parse("A: 1 a s\nB 1 x i\n", error);
  EXPECT_EQ(error, "line 2: no ':' after the message name");
  ProtoSchema::parse("A: 1 a s; 1 b s\n", error);
  EXPECT_EQ(error, "line 1: field 1 twice");
  ProtoSchema::parse("A: 1 a Missing\n", error);
  EXPECT_EQ(error, "A.a: no message Missing");
  ProtoSchema::parse("A: 1 a ...s\n", error);
  EXPECT_EQ(error, "line 1: only messages inline: \" 1 a ...s\"");
  ProtoSchema::parse("A: one a s\n", error);
  EXPECT_NE(error.find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::emulator
