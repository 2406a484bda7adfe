#pragma once
// The PaymentServices the benchmarks render: one port, a selector on its name, a
// balancing policy and the dependencies given.

#include <string>

#include <nlohmann/json.hpp>

#include "model/payment_service.h"

namespace paymesh::bench {

inline model::PaymentService benchService(const std::string& name, const std::string& policy, nlohmann::json deps) {
  nlohmann::json v = {{"apiVersion", "paymesh.io/v1alpha1"},
                      {"kind", "PaymentService"},
                      {"metadata", {{"name", name}, {"namespace", "payments"}}},
                      {"spec",
                       {{"selector", {{"matchLabels", {{"app", name}}}}},
                        {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
                        {"loadBalancing", {{"policy", policy}}},
                        {"dependencies", std::move(deps)}}}};
  return *model::parsePaymentService(v).object;
}

}  // namespace paymesh::bench
