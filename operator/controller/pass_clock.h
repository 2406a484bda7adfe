#pragma once
// The time a pass runs at, and how long to wait in real time for a moment on that
// clock. Production uses the system clock at rate 1. Tests either run a clock
// `clock_rate` times faster than real time, or (kManual) a clock that moves only when the
// test moves it: no real delay maps to a moment on such a clock, so a pass waiting for one
// looks at the clock again after kManualPoll, and what happens depends on where the test
// has put the clock, never on how fast the machine is.

#include <chrono>
#include <functional>
#include <limits>

#include "pki/certificate.h"

namespace paymesh::ctrl {

struct PassClock {
  std::function<pki::TimePoint()> now = [] { return std::chrono::system_clock::now(); };
  double clock_rate = 1.0;

  static constexpr double kManual = std::numeric_limits<double>::infinity();
  static constexpr std::chrono::milliseconds kManualPoll{50};

  // The real delay from `from` until `at` (at least 1 s of clock time, then scaled by the rate;
  // never under 10 ms; kManualPoll on a manual clock), capped at `at_most` when given.
  std::chrono::milliseconds realDelay(pki::TimePoint at, pki::TimePoint from,
                                      std::chrono::milliseconds at_most = std::chrono::milliseconds::max()) const;
};

}  // namespace paymesh::ctrl
