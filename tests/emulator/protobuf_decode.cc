#include "emulator/protobuf_decode.h"

#include <chrono>

#include "base/base64.h"
#include "base/time_format.h"
#include "emulator/protobuf_wire.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic("k8s\0", 4);

struct Decoder {
  const ProtoSchema& schema;
  std::string error;

  bool fail(const std::string& path, const std::string& why) {
    if (error.empty()) error = (path.empty() ? "" : path + ": ") + why;
    return false;
  }

  bool expect(const WireField& f, WireField::Type type, const std::string& path) {
    if (f.type == type) return true;
    return fail(path, "wire type " + std::to_string(f.type) + " where " + std::to_string(type) + " belongs");
  }

  // The fields of a small fixed message (Time, IntOrString, ...) by number.
  bool scalars(std::string_view data, const std::string& path, std::map<uint32_t, WireField>& out) {
    WireReader r(data);
    WireField f;
    while (r.next(f)) out[f.number] = f;
    return r.error().empty() || fail(path, r.error());
  }

  bool special(const ProtoField& spec, std::string_view data, const std::string& path, json& out) {
    std::map<uint32_t, WireField> f;
    if (!scalars(data, path, f)) return false;
    switch (spec.kind) {
      case ProtoKind::kTime:
      case ProtoKind::kMicroTime: {
        if (f.empty()) return out = nullptr, true;  // the zero time: null, as Go writes it
        auto seconds = static_cast<int64_t>(f[1].value);
        auto nanos = static_cast<int64_t>(f.count(2) ? f[2].value : 0);
        std::chrono::system_clock::time_point t{std::chrono::seconds(seconds)};
        bool micro = spec.kind == ProtoKind::kMicroTime;
        if (micro) t += std::chrono::microseconds(nanos / 1000);
        out = formatRfc3339(t, micro ? 6 : 0);
        return true;
      }
      case ProtoKind::kIntOrString:
        if (f.count(1) && f[1].value == 1) return out = std::string(f[3].bytes), true;
        return out = static_cast<int64_t>(static_cast<int32_t>(f[2].value)), true;
      case ProtoKind::kQuantity: return out = std::string(f[1].bytes), true;
      case ProtoKind::kFieldsV1:
        out = json::parse(f[1].bytes, nullptr, false);
        return !out.is_discarded() || fail(path, "fieldsV1 is not JSON");
      default: return fail(path, "not a special message");
    }
  }

  // One value of `spec`'s kind from `f`; packed repeated integers give several.
  bool value(const ProtoField& spec, const WireField& f, const std::string& path, std::vector<json>& out) {
    switch (spec.kind) {
      case ProtoKind::kInt:
      case ProtoKind::kBool: {
        if (f.type == WireField::kLength && spec.repeated) {  // packed
          for (size_t pos = 0; pos < f.bytes.size();) {
            uint64_t v;
            if (!WireReader::readVarint(f.bytes, pos, v)) return fail(path, "truncated packed varint");
            out.push_back(spec.kind == ProtoKind::kBool ? json(v != 0) : json(static_cast<int64_t>(v)));
          }
          return true;
        }
        if (!expect(f, WireField::kVarint, path)) return false;
        out.push_back(spec.kind == ProtoKind::kBool ? json(f.value != 0) : json(static_cast<int64_t>(f.value)));
        return true;
      }
      case ProtoKind::kString:
        if (!expect(f, WireField::kLength, path)) return false;
        out.push_back(std::string(f.bytes));
        return true;
      case ProtoKind::kBytes:
        if (!expect(f, WireField::kLength, path)) return false;
        out.push_back(base64Encode(f.bytes));
        return true;
      case ProtoKind::kMessage: {
        if (!expect(f, WireField::kLength, path)) return false;
        json child = json::object();
        if (!message(*schema.find(spec.message), f.bytes, path, child)) return false;
        out.push_back(std::move(child));
        return true;
      }
      default: {
        if (!expect(f, WireField::kLength, path)) return false;
        json v;
        if (!special(spec, f.bytes, path, v)) return false;
        out.push_back(std::move(v));
        return true;
      }
    }
  }

  // map<string, V> entries: key 1, value 2.
  bool mapEntry(const ProtoField& spec, const WireField& f, const std::string& path, json& out) {
    if (!expect(f, WireField::kLength, path)) return false;
    ProtoField value_spec = spec;
    value_spec.map = value_spec.repeated = false;
    std::string key;
    std::vector<json> values;
    WireReader r(f.bytes);
    WireField e;
    while (r.next(e)) {
      if (e.number == 1 && expect(e, WireField::kLength, path)) key = std::string(e.bytes);
      if (e.number == 2 && !value(value_spec, e, path + "[" + key + "]", values)) return false;
    }
    if (!r.error().empty()) return fail(path, r.error());
    if (!error.empty()) return false;
    json& slot = out[spec.json_name];
    if (!values.empty()) {
      slot[key] = values.back();
    } else {
      slot[key] = spec.kind == ProtoKind::kMessage ? json::object() : zeroOf(spec.kind);
    }
    return true;
  }

  static json zeroOf(ProtoKind kind) {
    switch (kind) {
      case ProtoKind::kInt: return 0;
      case ProtoKind::kBool: return false;
      default: return "";
    }
  }

  static bool isZero(const json& v) {
    return (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_number() && v == 0) ||
           (v.is_boolean() && !v.get<bool>());
  }

  bool message(const ProtoMessage& m, std::string_view data, const std::string& path, json& out) {
    WireReader r(data);
    WireField f;
    while (r.next(f)) {
      auto it = m.fields.find(f.number);
      if (it == m.fields.end()) continue;  // unknown to the table: skipped, as kube-apiserver does
      const ProtoField& spec = it->second;
      std::string here = path.empty() ? spec.json_name : path + "." + spec.json_name;
      if (spec.inlined) {
        if (!expect(f, WireField::kLength, here) || !message(*schema.find(spec.message), f.bytes, path, out))
          return false;
        continue;
      }
      if (spec.map) {
        if (!mapEntry(spec, f, here, out)) return false;
        continue;
      }
      std::vector<json> values;
      if (!value(spec, f, here, values)) return false;
      if (spec.repeated) {
        json& list = out[spec.json_name];
        if (!list.is_array()) list = json::array();
        for (auto& v : values) list.push_back(std::move(v));
      } else if (!values.empty()) {
        out[spec.json_name] = std::move(values.back());
      }
    }
    if (!r.error().empty()) return fail(path, r.error());
    // Go's omitempty: a non-pointer scalar at its zero value was never set; a zero time is null.
    for (const auto& [num, spec] : m.fields) {
      if (!out.contains(spec.json_name) || spec.repeated || spec.map || spec.kind == ProtoKind::kMessage) continue;
      const json& v = out[spec.json_name];
      if (v.is_null() || (!spec.pointer && isZero(v))) out.erase(spec.json_name);
    }
    return true;
  }
};

}  // namespace

std::string decodeProtoMessage(const ProtoSchema& schema, const ProtoMessage& message, std::string_view data,
                               json& out) {
  Decoder d{schema, ""};
  out = json::object();
  if (!d.message(message, data, "", out)) return d.error;
  try {
    (void)out.dump();  // strings must be UTF-8 to be JSON
  } catch (const json::exception&) {
    return "a string field is not valid UTF-8";
  }
  return "";
}

ProtobufBody decodeKubernetesProtobuf(std::string_view body, const ProtoSchema& schema) {
  ProtobufBody out;
  if (body.substr(0, kMagic.size()) != kMagic) {
    out.error = "the body does not start with the Kubernetes protobuf prefix \"k8s\\x00\"";
    return out;
  }
  // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.
  std::string api_version, kind, encoding, malformed;
  std::string_view raw;
  WireReader r(body.substr(kMagic.size()));
  WireField f;
  while (r.next(f)) {
    if (f.type != WireField::kLength) continue;
    if (f.number == 2) raw = f.bytes;
    if (f.number == 3) encoding = std::string(f.bytes);
    if (f.number != 1) continue;
    WireReader tm(f.bytes);
    WireField t;
    while (tm.next(t)) {
      if (t.type == WireField::kLength && t.number == 1) api_version = std::string(t.bytes);
      if (t.type == WireField::kLength && t.number == 2) kind = std::string(t.bytes);
    }
    if (!tm.error().empty()) malformed = "typeMeta: " + tm.error();
  }
  if (malformed.empty()) malformed = r.error();
  if (malformed.empty() && kind.empty()) malformed = "no kind in typeMeta";
  if (!malformed.empty()) {
    out.error = "malformed runtime.Unknown envelope: " + malformed;
    return out;
  }
  if (!encoding.empty()) {
    out.error = "unsupported contentEncoding \"" + encoding + "\"";
    return out;
  }
  const ProtoMessage* message = schema.find(kind);
  if (!message) {
    out.unknown_kind = true;
    out.error = "the emulator has no protobuf table for kind " + kind + " (" + api_version + ")";
    return out;
  }
  if (std::string e = decodeProtoMessage(schema, *message, raw, out.object); !e.empty()) {
    out.error = kind + ": " + e;
    out.object = nullptr;
    return out;
  }
  out.object["apiVersion"] = api_version;
  out.object["kind"] = kind;
  return out;
}

}  // namespace paymesh::emulator
