#include "policy/proto_wire.h"

namespace paymesh::policy::wire {
namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

}  // namespace

void appendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void appendVarintField(std::string& out, uint32_t field, uint64_t value) {
  appendVarint(out, (uint64_t{field} << 3) | kVarint);
  appendVarint(out, value);
}

void appendBytesField(std::string& out, uint32_t field, std::string_view bytes) {
  appendVarint(out, (uint64_t{field} << 3) | kLengthDelimited);
  appendVarint(out, bytes.size());
  out.append(bytes);
}

}  // namespace paymesh::policy::wire
