#include "base/time_format.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "base/saturating_time.h"

namespace paymesh {

std::string formatRfc3339(std::chrono::system_clock::time_point t, int fraction_digits) {
  // Floor to whole seconds, also before the epoch, so the fraction is never negative.
  // Split by division, which cannot overflow even at time_point::min() (floor<> can).
  const auto since = t.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  auto rest = since - secs;
  if (rest < rest.zero()) {
    secs -= std::chrono::seconds(1);
    rest += std::chrono::seconds(1);
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(rest).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
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

std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* p = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == nullptr) return std::nullopt;
  // Dates past what a time point holds (before 1677, after 2262) saturate at its ends.
  auto t = timeFromUnixSeconds(timegm(&tm));
  if (*p == '.') {
    int64_t nanos = 0;
    int digits = 0;
    for (++p; *p >= '0' && *p <= '9'; ++p) {
      if (++digits > 9) return std::nullopt;
      nanos = nanos * 10 + (*p - '0');
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 9; ++d) nanos *= 10;
    t = saturatingAdd(t, std::chrono::nanoseconds(nanos));
  }
  if (*p == 'Z' || *p == 'z') return p[1] == '\0' ? std::optional(t) : std::nullopt;
  if ((*p == '+' || *p == '-') && std::strlen(p) == 6 && p[3] == ':') {
    auto num = [&](int i) { return (p[i] - '0') * 10 + (p[i + 1] - '0'); };
    for (int i : {1, 2, 4, 5})
      if (p[i] < '0' || p[i] > '9') return std::nullopt;
    auto offset = std::chrono::hours(num(1)) + std::chrono::minutes(num(4));
    return saturatingAdd(t, *p == '+' ? -offset : offset);
  }
  return std::nullopt;
}

}  // namespace paymesh
