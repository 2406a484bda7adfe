#include "cli/flags.h"

#include <gtest/gtest.h>

namespace paymesh::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"file", "f", true, true, "PATH", "input"},
    {"port", "", true, false, "N", "listen port", "9443"},
    {"leader-elect", "", false, false, "", "elect a leader"},
};

TEST(FlagsTest, LongShortInlineAndRepeated) {
  auto f = Flags::parse(kSpecs, {"-f", "a", "--file=b", "--port", "8443", "pos", "--", "--file"});
  ASSERT_TRUE(f.isOk()) << f.status().message();
  EXPECT_EQ(f->all("file"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f->value("port"), "8443");
  EXPECT_EQ(f->positionals(), (std::vector<std::string>{"pos", "--file"}));
}

TEST(FlagsTest, DefaultsApplyOnlyWhenAbsent) {
  auto f = Flags::parse(kSpecs, {});
  ASSERT_TRUE(f.isOk());
  EXPECT_FALSE(f->has("port"));
  EXPECT_EQ(f->value("port"), "9443");
  EXPECT_EQ(f->value("file"), "");
}

TEST(FlagsTest, SwitchesTakeTrueOrFalseOnly) {
  auto on = Flags::parse(kSpecs, {"--leader-elect=true"});
  ASSERT_TRUE(on.isOk());
  EXPECT_TRUE(on->has("leader-elect"));
  auto off = Flags::parse(kSpecs, {"--leader-elect", "--leader-elect=false"});
  ASSERT_FALSE(off.isOk());  // given twice
  auto only_off = Flags::parse(kSpecs, {"--leader-elect=false"});
  ASSERT_TRUE(only_off.isOk());
  EXPECT_FALSE(only_off->has("leader-elect"));
  auto bad = Flags::parse(kSpecs, {"--leader-elect=yes"});
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "flag --leader-elect takes no value (or =true, =false)");
}

TEST(FlagsTest, ClearErrors) {
  EXPECT_EQ(Flags::parse(kSpecs, {"--nope"}).status().message(), "unknown flag --nope");
  EXPECT_EQ(Flags::parse(kSpecs, {"--port"}).status().message(), "flag --port needs a value");
  EXPECT_EQ(Flags::parse(kSpecs, {"--port", "1", "--port", "2"}).status().message(),
            "flag --port given more than once");
  EXPECT_EQ(parseUintFlag("port", "x", 1, 10).status().message(), "--port: not a non-negative integer: \"x\"");
  EXPECT_EQ(parseUintFlag("port", "11", 1, 10).status().message(), "--port: must be between 1 and 10, got 11");
  EXPECT_FALSE(parseDurationFlag("resync", "soon").isOk());
  EXPECT_EQ(parseDurationFlag("resync", "1m30s").value(), std::chrono::seconds(90));
}

TEST(FlagsTest, HelpShowsDefaultsAndProgram) {
  CommandSpec spec{"", "[flags]", "Serves things.", kSpecs, "Exit codes: 0 ok.", false, "paymesh-webhook"};
  std::string help = commandHelp(spec);
  EXPECT_NE(help.find("Usage: paymesh-webhook [flags]"), std::string::npos) << help;
  EXPECT_NE(help.find("listen port (default 9443)"), std::string::npos) << help;
  EXPECT_NE(help.find("-f, --file PATH"), std::string::npos) << help;
  EXPECT_EQ(spec.displayName(), "paymesh-webhook");
}

}  // namespace
}  // namespace paymesh::cli
