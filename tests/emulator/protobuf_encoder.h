#pragma once
// A protobuf wire writer for the emulator's tests: builds messages field by field, as a
// Kubernetes client would send them (the emulator itself never encodes protobuf).

#include <cstdint>
#include <string>

namespace paymesh::emulator {

class ProtoWriter {
public:
  ProtoWriter& varint(uint32_t number, uint64_t v) {
    tag(number, 0);
    raw(v);
    return *this;
  }
  ProtoWriter& bytes(uint32_t number, const std::string& b) {
    tag(number, 2);
    raw(b.size());
    out_ += b;
    return *this;
  }
  ProtoWriter& message(uint32_t number, const ProtoWriter& m) { return bytes(number, m.str()); }
  // A map<string, string> entry.
  ProtoWriter& entry(uint32_t number, const std::string& key, const std::string& value) {
    return message(number, ProtoWriter().bytes(1, key).bytes(2, value));
  }
  const std::string& str() const { return out_; }

  // "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}.
  static std::string envelope(const std::string& api_version, const std::string& kind, const ProtoWriter& object) {
    ProtoWriter unknown;
    unknown.message(1, ProtoWriter().bytes(1, api_version).bytes(2, kind)).message(2, object);
    return std::string("k8s\0", 4) + unknown.str();
  }

private:
  void tag(uint32_t number, int wire) { raw((static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(wire)); }
  void raw(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

}  // namespace paymesh::emulator
