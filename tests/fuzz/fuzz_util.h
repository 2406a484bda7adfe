#pragma once
// What the fuzz targets share: quiet logs (a target's inputs are mostly bad, and each is
// logged at info by the code under test) and reading an input as JSON without throwing.

#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "obs/log.h"

namespace paymesh::fuzz {

inline void quietLogs() {
  static const bool once = [] {
    obs::setLogLevel(obs::LogLevel::kError);
    return true;
  }();
  (void)once;
}

// The input as JSON; discarded (is_discarded()) when it is not.
inline nlohmann::json parseJson(const uint8_t* data, size_t size) {
  return nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
}

}  // namespace paymesh::fuzz
