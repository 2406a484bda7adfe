#pragma once
// Time arithmetic that saturates instead of overflowing. A time point is int64
// nanoseconds since 1970 (system_clock) and so holds 1677-09-21 to 2262-04-11; inputs
// reach far past that (RFC 5280's "no expiry" 99991231235959Z, a "since" of year 1013 in
// an annotation, a requeue at TimePoint::max()). Every such value is clamped to the
// range's ends, so a far date reads as "as late (or early) as can be said", never as a
// wrapped-around one.

#include <chrono>
#include <cstdint>
#include <limits>

namespace paymesh {

// Whole seconds since 1970 as a time point of `Clock`, clamped to its range.
template <typename Clock = std::chrono::system_clock>
typename Clock::time_point timeFromUnixSeconds(int64_t seconds) {
  using Point = typename Clock::time_point;
  using Rep = typename Point::rep;
  constexpr Rep kPerSecond = std::chrono::duration_cast<typename Point::duration>(std::chrono::seconds(1)).count();
  if (seconds > std::numeric_limits<Rep>::max() / kPerSecond) return Point::max();
  if (seconds < std::numeric_limits<Rep>::min() / kPerSecond) return Point::min();
  return Point(std::chrono::duration_cast<typename Point::duration>(std::chrono::seconds(seconds)));
}

// t + d, clamped to [Point::min(), Point::max()]. The bounds are compared in long double,
// which holds every int64 exactly, so neither `d` in the point's unit nor the sum wraps.
template <typename Clock, typename Dur, typename Rep, typename Period>
std::chrono::time_point<Clock, Dur> saturatingAdd(std::chrono::time_point<Clock, Dur> t,
                                                  std::chrono::duration<Rep, Period> d) {
  using Point = std::chrono::time_point<Clock, Dur>;
  using Big = std::chrono::duration<long double, typename Dur::period>;
  const long double step = std::chrono::duration_cast<Big>(d).count();
  const long double since = static_cast<long double>(t.time_since_epoch().count());
  if (step >= static_cast<long double>(Point::max().time_since_epoch().count()) - since) return Point::max();
  if (step <= static_cast<long double>(Point::min().time_since_epoch().count()) - since) return Point::min();
  // In range, the sum is an exact integer in long double (step alone may not fit int64).
  return Point(Dur(static_cast<typename Dur::rep>(since + step)));
}

// a - b, clamped to the duration's range (the distance between two far points can
// exceed what it holds).
template <typename Clock, typename Dur>
Dur saturatingSub(std::chrono::time_point<Clock, Dur> a, std::chrono::time_point<Clock, Dur> b) {
  const auto x = a.time_since_epoch().count(), y = b.time_since_epoch().count();
  typename Dur::rep out;
  if (__builtin_sub_overflow(x, y, &out)) return x > y ? Dur::max() : Dur::min();
  return Dur(out);
}

}  // namespace paymesh
