#pragma once
// Injected faults, so clients' retry, backoff and resync paths run in tests: errors,
// conflicts and throttling on writes, errors on reads, dropped watches, added latency,
// writes to one resource refused for good.
// Seeded: the same seed gives the same sequence of faults.

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"

namespace paymesh::emulator {

struct Faults {
  uint64_t seed = 1;
  int drop_watch_every = 0;    // close each watch stream after this many events (0: never)
  double conflict_rate = 0;    // share of writes answered 409 Conflict
  double throttle_rate = 0;    // share of writes answered 429 with Retry-After: 1
  double error_rate = 0;       // share of writes answered 500
  double read_error_rate = 0;  // share of reads (get, list, watch start) answered 500
  int latency_ms = 0;          // added before every response
  // Every write to this resource (plural, e.g. "configmaps") answered 422 Invalid, as an
  // admission policy or a quota that refuses the object would; empty: none.
  std::string refuse_writes_to;
};
// The JSON form (--faults, POST /emulator/faults): camelCase names of the fields above.
Faults faultsFromJson(const nlohmann::json& j);

class FaultInjector {
public:
  void set(const Faults& faults);
  const Faults& faults() const { return faults_; }
  // The injected answer to a request on `resource`, if this one draws a fault.
  std::optional<HttpResponse> draw(bool write, const std::string& resource = "");

private:
  Faults faults_;
  std::mt19937_64 rng_{1};
};

}  // namespace paymesh::emulator
