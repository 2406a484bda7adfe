#pragma once
// The messages of the Kubernetes protobuf encoding the emulator can read: for each, its
// fields by number with their JSON names and types, read from protobuf_messages.txt (the
// field numbers of k8s.io/api's generated.proto; whether a field is a Go pointer or inline
// from the Go types). Only what a decoder needs to produce the JSON kube-apiserver would
// store: no serializer, no descriptors.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace paymesh::emulator {

enum class ProtoKind {
  kString,
  kBytes,  // base64 in JSON
  kInt,    // int32 and int64 varints
  kBool,
  kMessage,
  kTime,         // metav1.Time: RFC 3339 seconds
  kMicroTime,    // metav1.MicroTime: RFC 3339 microseconds
  kIntOrString,  // intstr.IntOrString: a JSON number or string
  kQuantity,     // resource.Quantity: its string
  kFieldsV1,     // metav1.FieldsV1: raw JSON
};

struct ProtoField {
  uint32_t number = 0;
  std::string json_name;
  ProtoKind kind = ProtoKind::kString;
  std::string message;  // kMessage: the message (of the map value, for maps)
  bool repeated = false;
  bool map = false;      // map<string, kind>
  bool pointer = false;  // a Go pointer: on the wire means set, so zero values are kept
  bool inlined = false;  // Go's json:",inline": the message's fields are the parent's
};

struct ProtoMessage {
  std::string name;
  std::map<uint32_t, ProtoField> fields;
};

class ProtoSchema {
public:
  // Parses the table format of protobuf_messages.txt; on error returns an empty schema and
  // sets `error` naming the line.
  static ProtoSchema parse(std::string_view text, std::string& error);
  const ProtoMessage* find(const std::string& name) const;
  size_t size() const { return messages_.size(); }

private:
  std::map<std::string, ProtoMessage> messages_;
};

// protobuf_messages.txt, parsed once (CMake embeds the file).
const ProtoSchema& kubernetesProtoSchema();
const char* protobufMessageTable();

}  // namespace paymesh::emulator
