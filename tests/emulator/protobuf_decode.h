#pragma once
// Reads request bodies in the Kubernetes protobuf encoding (what kubectl 1.32 and helm send
// for built-in kinds: "k8s\0" then a runtime.Unknown holding the type and the message) into
// the JSON object kube-apiserver would have decoded, so the rest of the emulator only ever
// sees JSON. Zero values of non-pointer scalars are dropped (Go's omitempty); a pointer that
// is on the wire keeps its zero (replicas: 0, automountServiceAccountToken: false). Fields
// the table does not know are skipped, as kube-apiserver skips unknown protobuf fields.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/protobuf_schema.h"

namespace paymesh::emulator {

struct ProtobufBody {
  nlohmann::json object;
  std::string error;          // what is wrong with the body, with the field path
  bool unknown_kind = false;  // a well-formed envelope of a kind the table has no message for
};

ProtobufBody decodeKubernetesProtobuf(std::string_view body, const ProtoSchema& schema = kubernetesProtoSchema());

// One message without the envelope; "" or the error.
std::string decodeProtoMessage(const ProtoSchema& schema, const ProtoMessage& message, std::string_view data,
                               nlohmann::json& out);

}  // namespace paymesh::emulator
