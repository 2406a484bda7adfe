// Walks the PaymentService and mesh-config schemas and, for every constrained field,
// checks one value on each side of every bound: the validator must accept the valid
// one and report the invalid one at the field's own path. New fields are covered
// without new test code.

#include <gtest/gtest.h>

#include "base/duration.h"
#include "model/mesh_config.h"
#include "model/payment_service_schema.h"
#include "test_objects.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

struct Probe {
  json::json_pointer ptr;
  std::string path;
  json value;  // the value set at ptr; discarded() means "remove the field"
  bool valid;
  std::string why;
};

std::string invalidSample(Format f) {
  switch (f) {
    case Format::kDns1123Label: return "Not_A_Label";
    case Format::kDns1123Subdomain: return "a..b";
    case Format::kDuration: return "5 parsecs";
    case Format::kHttpHeaderName: return "X Header";
    case Format::kLabelKey: return "/bad";
    case Format::kLabelValue: return "-bad-";
    case Format::kImage: return "bad image";
    case Format::kQuantity: return "1 gig";
    case Format::kUrl: return "idp.example.com";
    case Format::kHttpsUrl: return "http://idp.example.com/jwks";
    case Format::kPathPrefix: return "payments";
    case Format::kClaimName: return "a claim";
    case Format::kQueryParam: return "a param";
    case Format::kNone: return "";
  }
  return "";
}

void walk(const Schema& node, const json::json_pointer& ptr, const std::string& path, std::vector<Probe>& out) {
  using Type = Schema::Type;
  switch (node.type) {
    case Type::kObject: {
      out.push_back({ptr / "bogusField", childPath(path, "bogusField"), 1, false, "unknown field"});
      for (const auto& [name, child] : node.properties) {
        walk(*child, ptr / name, childPath(path, name), out);
        bool required = std::find(node.required.begin(), node.required.end(), name) != node.required.end();
        if (required && !child->default_value) {
          out.push_back({ptr / name, childPath(path, name), json::value_t::discarded, false, "required"});
        }
      }
      out.push_back({ptr, path, 17, false, "object given an integer"});
      break;
    }
    case Type::kArray:
      walk(*node.items, ptr / 0, indexPath(path, 0), out);
      out.push_back({ptr, path, "x", false, "list given a string"});
      if (node.min_items && *node.min_items > 0) out.push_back({ptr, path, json::array(), false, "minItems"});
      break;
    case Type::kInteger:
      if (node.minimum) {
        out.push_back({ptr, path, *node.minimum, true, "minimum"});
        out.push_back({ptr, path, *node.minimum - 1, false, "below minimum"});
      }
      if (node.maximum) {
        out.push_back({ptr, path, *node.maximum, true, "maximum"});
        out.push_back({ptr, path, *node.maximum + 1, false, "above maximum"});
      }
      out.push_back({ptr, path, "12", false, "integer given a string"});
      break;
    case Type::kBoolean:
      out.push_back({ptr, path, true, true, "boolean"});
      out.push_back({ptr, path, "true", false, "boolean given a string"});
      break;
    case Type::kString:
      out.push_back({ptr, path, 12, false, "string given an integer"});
      if (!node.enum_values.empty()) {
        for (const auto& v : node.enum_values) out.push_back({ptr, path, v, true, "enum value"});
        out.push_back({ptr, path, "Bogus", false, "not in enum"});
        break;
      }
      if (node.format != Format::kNone) out.push_back({ptr, path, invalidSample(node.format), false, "format"});
      if (node.format == Format::kDuration && node.min_duration && node.max_duration) {
        out.push_back({ptr, path, formatDuration(*node.min_duration), true, "shortest duration"});
        out.push_back({ptr, path, formatDuration(*node.max_duration), true, "longest duration"});
        out.push_back({ptr, path, formatDuration(*node.max_duration + std::chrono::nanoseconds(1)), false, "too long"});
        if (node.min_duration->count() > 0) {
          out.push_back(
              {ptr, path, formatDuration(*node.min_duration - std::chrono::nanoseconds(1)), false, "too short"});
        }
      } else if (node.max_length && node.format != Format::kImage) {
        out.push_back({ptr, path, std::string(static_cast<size_t>(*node.max_length) + 1, 'a'), false, "maxLength"});
        bool a_run_is_valid = node.format == Format::kNone || node.format == Format::kDns1123Label ||
                              node.format == Format::kHttpHeaderName || node.format == Format::kLabelValue;
        if (a_run_is_valid) {
          out.push_back({ptr, path, std::string(static_cast<size_t>(*node.max_length), 'a'), true, "at maxLength"});
        }
      }
      break;
    case Type::kStringMap:
      out.push_back({ptr, path, json{{"ok", "v"}}, true, "string map"});
      out.push_back({ptr, path, json{{"ok", 1}}, false, "string map value not a string"});
      out.push_back({ptr, path, json{{"/bad", "v"}}, false, "string map key"});
      break;
    case Type::kFreeForm: break;
  }
}

// Whether any error is at `path` or below it.
bool errorAt(const std::vector<FieldError>& errors, const std::string& path) {
  for (const auto& e : errors) {
    if (e.path == path || e.path.rfind(path + ".", 0) == 0 || e.path.rfind(path + "[", 0) == 0) return true;
  }
  return false;
}

void runProbes(const Schema& schema, const json& base, const json::json_pointer& root, const std::string& root_path,
               size_t min_probes) {
  std::vector<Probe> probes;
  walk(schema, root, root_path, probes);
  ASSERT_GE(probes.size(), min_probes);
  size_t valid = 0, invalid = 0;
  for (const auto& p : probes) {
    json v = base;
    if (p.value.is_discarded()) {
      v.at(p.ptr.parent_pointer()).erase(p.ptr.back());
    } else {
      v[p.ptr] = p.value;
    }
    std::vector<FieldError> errors;
    json& target = root.empty() ? v : v[root];
    defaultAndValidate(target, schema, root_path, errors);
    if (p.valid) {
      ++valid;
      EXPECT_FALSE(errorAt(errors, p.path)) << p.why << " at " << p.path << " = " << p.value.dump().substr(0, 80)
                                            << ": " << (errors.empty() ? "" : toString(errors[0]));
    } else {
      ++invalid;
      EXPECT_TRUE(errorAt(errors, p.path))
          << p.why << " at " << p.path << " = " << p.value.dump().substr(0, 80) << " was accepted";
    }
  }
  EXPECT_GT(valid, 0u);
  EXPECT_GT(invalid, 0u);
}

TEST(SchemaCoverageTest, EveryPaymentServiceSpecBoundHasAValidAndAnInvalidCase) {
  json base = testing::validPaymentService();
  // Give every optional object a presence so the walk reaches its fields.
  base["spec"]["discovery"]["hashKey"]["cookie"] = {{"name", "route"}};
  base["spec"]["resilience"]["rateLimit"] = {{"requestsPerSecond", 10}, {"burst", 20}};
  base["spec"]["authentication"]["jwt"] = json::parse(R"({
    "providers": [{"name": "idp", "issuer": "https://idp.example.com", "audiences": ["payments"],
                   "jwks": {"configMap": {"name": "jwks"}, "secret": {"name": "jwks"},
                            "remote": {"uri": "https://idp.example.com/jwks"}},
                   "fromHeaders": [{"name": "authorization", "valuePrefix": "Bearer "}],
                   "fromParams": ["access_token"], "claimToHeaders": [{"claim": "sub", "header": "x-user"}]}],
    "rules": [{"ports": ["grpc"], "providers": ["idp"]}]})");
  base["spec"]["authorization"]["requiredClaims"] = json::parse(R"([{"claim": "scope", "values": ["pay"]}])");
  runProbes(paymentServiceSpecSchema(), base, json::json_pointer("/spec"), "spec", 150);
}

TEST(SchemaCoverageTest, EveryStatusBoundHasAValidAndAnInvalidCase) {
  json base = {
      {"status",
       {{"conditions",
         json::array({{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "2026-01-01T00:00:00Z"}}})}}}};
  runProbes(paymentServiceStatusSchema(), base, json::json_pointer("/status"), "status", 20);
}

TEST(SchemaCoverageTest, EveryMeshConfigBoundHasAValidAndAnInvalidCase) {
  runProbes(meshConfigSchema(), json::object(), json::json_pointer(""), "", 60);
}

}  // namespace
}  // namespace paymesh::model
