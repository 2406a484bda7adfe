#pragma once
// The time a pass runs at, and how long to wait in real time for a moment on that
// clock. Tests run certificate lifetimes on a fast simulated clock (`clock_rate`
// simulated seconds per real second); production uses the system clock at rate 1.

#include <chrono>
#include <functional>

#include "pki/certificate.h"

namespace paymesh::ctrl {

struct PassClock {
  std::function<pki::TimePoint()> now = [] { return std::chrono::system_clock::now(); };
  double clock_rate = 1.0;

  // The real delay from `from` until `at` (at least 1 s of clock time, then scaled by the rate;
  // never under 10 ms), capped at `at_most` when given.
  std::chrono::milliseconds realDelay(pki::TimePoint at, pki::TimePoint from,
                                      std::chrono::milliseconds at_most = std::chrono::milliseconds::max()) const;
};

}  // namespace paymesh::ctrl
