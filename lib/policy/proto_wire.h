#pragma once
// Protocol buffers' wire format, the few pieces a binary endpoint file needs: varints
// and length-delimited fields (strings, bytes and embedded messages). Fields are
// appended in the order the caller gives, which for a canonical encoding is field
// number order.

#include <cstdint>
#include <string>
#include <string_view>

namespace paymesh::policy::wire {

void appendVarint(std::string& out, uint64_t value);
// A varint field (uint32, uint64, bool, enum).
void appendVarintField(std::string& out, uint32_t field, uint64_t value);
// A length-delimited field: a string, bytes, or an embedded message already encoded.
void appendBytesField(std::string& out, uint32_t field, std::string_view bytes);

}  // namespace paymesh::policy::wire
