#include "emulator/protobuf_wire.h"

namespace paymesh::emulator {

bool WireReader::readVarint(std::string_view data, size_t& pos, uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 64 && pos < data.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(data[pos++]);
    out |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

bool WireReader::fail(const std::string& why) {
  error_ = why + " at byte " + std::to_string(pos_);
  pos_ = data_.size();
  return false;
}

bool WireReader::next(WireField& f) {
  if (pos_ >= data_.size()) return false;
  uint64_t tag;
  if (!readVarint(data_, pos_, tag)) return fail("truncated field tag");
  f.number = static_cast<uint32_t>(tag >> 3);
  if (f.number == 0 || tag >> 3 > 0x1fffffff) return fail("invalid field number");
  switch (tag & 7) {
    case WireField::kVarint:
      f.type = WireField::kVarint;
      if (!readVarint(data_, pos_, f.value)) return fail("truncated varint");
      return true;
    case WireField::kFixed64:
    case WireField::kFixed32: {
      f.type = static_cast<WireField::Type>(tag & 7);
      size_t width = f.type == WireField::kFixed64 ? 8 : 4;
      if (data_.size() - pos_ < width) return fail("truncated fixed-width field");
      f.value = 0;
      for (size_t i = 0; i < width; ++i)
        f.value |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
      pos_ += width;
      return true;
    }
    case WireField::kLength: {
      f.type = WireField::kLength;
      uint64_t len;
      if (!readVarint(data_, pos_, len)) return fail("truncated length");
      if (len > data_.size() - pos_) return fail("length " + std::to_string(len) + " past the end of the data");
      f.bytes = data_.substr(pos_, len);
      pos_ += len;
      return true;
    }
    default: return fail("unsupported wire type " + std::to_string(tag & 7) + " (groups are not used by Kubernetes)");
  }
}

}  // namespace paymesh::emulator
