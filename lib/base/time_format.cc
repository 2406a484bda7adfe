#include "base/time_format.h"

#include <cstdio>
#include <ctime>

namespace paymesh {

std::string formatRfc3339(std::chrono::system_clock::time_point t, int fraction_digits) {
  // Floor to whole seconds, also before the epoch, so the fraction is never negative.
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (fraction_digits == 3) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%03d", static_cast<int>(micros / 1000));
  } else if (fraction_digits == 6) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%06d", static_cast<int>(micros));
  }
  std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), "Z");
  return buf;
}

}  // namespace paymesh
