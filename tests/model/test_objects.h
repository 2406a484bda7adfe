#pragma once
// A complete, valid PaymentService every model test starts from and mutates.

#include <nlohmann/json.hpp>

namespace paymesh::model::testing {

inline nlohmann::json validPaymentService() {
  return nlohmann::json::parse(R"({
    "apiVersion": "paymesh.io/v1alpha1",
    "kind": "PaymentService",
    "metadata": {"name": "settlement", "namespace": "payments", "labels": {"team": "core"}},
    "spec": {
      "selector": {"matchLabels": {"app": "settlement"}},
      "ports": [{"name": "grpc", "port": 50051, "protocol": "GRPC"}],
      "serviceAccount": "settlement",
      "discovery": {"ring": {"algorithm": "Maglev", "tableSize": 65537}, "hashKey": {"header": "x-payment-id"}},
      "loadBalancing": {"policy": "ConsistentHash"},
      "resilience": {
        "timeout": "2s",
        "retry": {"attempts": 3, "perTryTimeout": "500ms", "backoff": {"base": "25ms", "max": "250ms"},
                  "retryOn": ["connect-failure", "refused-stream", "unavailable"], "requireIdempotencyKey": true},
        "circuitBreaker": {"maxConnections": 1024, "maxPendingRequests": 256, "maxRequests": 1024, "maxRetries": 3,
                           "consecutiveErrors": 5, "interval": "10s", "baseEjectionTime": "30s", "maxEjectionPercent": 50},
        "fallback": {"service": "settlement-standby"}
      },
      "dependencies": [{"name": "clearing", "localPort": 15201}],
      "tls": {"mode": "STRICT", "certificate": {"duration": "24h", "renewBefore": "8h", "keyAlgorithm": "ECDSAP256"}},
      "authorization": {"allowedCallers": ["payment"]}
    }
  })");
}

inline nlohmann::json minimalPaymentService() {
  return nlohmann::json::parse(R"({
    "apiVersion": "paymesh.io/v1alpha1", "kind": "PaymentService",
    "metadata": {"name": "ledger"},
    "spec": {"selector": {"matchLabels": {"app": "ledger"}}, "ports": [{"name": "tcp", "port": 5432}]}
  })");
}

}  // namespace paymesh::model::testing
