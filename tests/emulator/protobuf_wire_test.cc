// The wire reader: every wire type, and malformed input as errors, never reads past the end.

#include "emulator/protobuf_wire.h"

#include <gtest/gtest.h>

#include "emulator/protobuf_encoder.h"

namespace paymesh::emulator {
namespace {

TEST(WireReader, ReadsEachWireType) {
  std::string data = ProtoWriter().varint(1, 300).bytes(2, "hi").varint(3, ~uint64_t{0}).str();
  data += std::string("\x25\x01\x00\x00\x00", 5);                  // field 4, fixed32 1
  data += std::string("\x29\x02\x00\x00\x00\x00\x00\x00\x00", 9);  // field 5, fixed64 2
  WireReader r(data);
  WireField f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.number, 1u);
  EXPECT_EQ(f.value, 300u);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.type, WireField::kLength);
  EXPECT_EQ(f.bytes, "hi");
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(static_cast<int64_t>(f.value), -1);  // negative int32/int64 are 10-byte varints
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.type, WireField::kFixed32);
  EXPECT_EQ(f.value, 1u);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.value, 2u);
  EXPECT_FALSE(r.next(f));
  EXPECT_EQ(r.error(), "");
}

TEST(WireReader, MalformedInputIsAnError) {
  struct Case {
    std::string data, error;
  } cases[] = {
      {"\x0a\x05hi", "length 5 past the end of the data at byte 2"},
      {"\x08", "truncated varint at byte 1"},
      {"\x08\xff\xff", "truncated varint at byte 3"},
      {"\x0b", "unsupported wire type 3 (groups are not used by Kubernetes) at byte 1"},
      {std::string("\0", 1), "invalid field number at byte 1"},
      {"\x25\x01", "truncated fixed-width field at byte 1"},
  };
  for (const auto& c : cases) {
    WireReader r(c.data);
    WireField f;
    EXPECT_FALSE(r.next(f));
    EXPECT_EQ(r.error(), c.error);
  }
}

}  // namespace
}  // namespace paymesh::emulator
