#pragma once
// A reader of the protobuf wire format (varints, 64- and 32-bit fields, length-delimited
// fields), the part of protobuf the Kubernetes encoding needs. Bounds-checked: a truncated
// or malformed message is an error, never a read past the end.

#include <cstdint>
#include <string>
#include <string_view>

namespace paymesh::emulator {

struct WireField {
  enum Type { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };
  uint32_t number = 0;
  Type type = kVarint;
  uint64_t value = 0;      // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kLength
};

class WireReader {
public:
  explicit WireReader(std::string_view data) : data_(data) {}
  // Reads the next field; false at the end of the data or on malformed input (then error()).
  bool next(WireField& field);
  const std::string& error() const { return error_; }
  // Reads one varint from `data` at `pos` (packed repeated fields); false when malformed.
  static bool readVarint(std::string_view data, size_t& pos, uint64_t& out);

private:
  bool fail(const std::string& why);
  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace paymesh::emulator
