#pragma once
// PaymentServices and pods for the operator's pure tests.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/payment_service.h"

namespace paymesh::ctrl::testing {

inline nlohmann::json serviceJson(const std::string& name, nlohmann::json spec_extra = nlohmann::json::object()) {
  nlohmann::json spec = {{"selector", {{"matchLabels", {{"app", name}}}}},
                         {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}}};
  spec.merge_patch(spec_extra);
  return {{"apiVersion", "paymesh.io/v1alpha1"},
          {"kind", "PaymentService"},
          {"metadata", {{"name", name}, {"namespace", "payments"}, {"uid", "uid-" + name}, {"generation", 1}}},
          {"spec", spec}};
}

inline model::PaymentService service(const std::string& name, nlohmann::json spec_extra = nlohmann::json::object()) {
  auto r = model::parsePaymentService(serviceJson(name, std::move(spec_extra)));
  EXPECT_TRUE(r.object.has_value()) << (r.errors.empty() ? "" : model::toString(r.errors[0]));
  return r.object ? *r.object : model::PaymentService{};
}

inline nlohmann::json pod(const std::string& ns, const std::string& name, const std::string& app, const std::string& ip,
                          bool ready) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", app}, {"paymesh.io/service", app}}}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", ip},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

// The condition of `type` in a status; a test failure (and an empty one) when absent.
inline const model::Condition& conditionOf(const model::PaymentServiceStatus& status, const std::string& type) {
  for (const auto& c : status.conditions)
    if (c.type == type) return c;
  static const model::Condition none;
  ADD_FAILURE() << "no condition " << type;
  return none;
}

}  // namespace paymesh::ctrl::testing
