#include "operator/controller/pass_clock.h"

#include <algorithm>
#include <cmath>

#include "operator/desired/children.h"

namespace paymesh::ctrl {

std::chrono::milliseconds PassClock::realDelay(pki::TimePoint at, pki::TimePoint from,
                                               std::chrono::milliseconds at_most) const {
  if (std::isinf(clock_rate)) return std::min(kManualPoll, at_most);
  auto real = requeueDelay(at, from);
  if (clock_rate > 0 && clock_rate != 1.0) {
    // Saturating: a rate under 1 stretches a delay of centuries past what int64 holds.
    const double scaled = static_cast<double>(real.count()) / clock_rate;
    real = scaled >= static_cast<double>(std::chrono::milliseconds::max().count())
               ? std::chrono::milliseconds::max()
               : std::chrono::milliseconds(static_cast<int64_t>(scaled));
  }
  return std::min(std::max(real, std::chrono::milliseconds(10)), at_most);
}

}  // namespace paymesh::ctrl
