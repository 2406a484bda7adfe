#include "base/duration.h"

#include <cstdint>
#include <limits>

#include "base/quote.h"

namespace paymesh {
namespace {

struct Unit {
  std::string_view name;
  uint64_t nanos;
};

// Longest names first so "ms" is not read as "m".
constexpr Unit kUnits[] = {
    {"ns", 1ULL},       {"us", 1000ULL},      {"\xC2\xB5s", 1000ULL}, {"\xCE\xBCs", 1000ULL},
    {"ms", 1000000ULL}, {"s", 1000000000ULL}, {"m", 60000000000ULL},  {"h", 3600000000000ULL},
};

constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Nanos> parseDuration(std::string_view text) {
  const std::string quoted = paymesh::quoted(text.substr(0, 64));
  if (text.empty()) return invalidArgument("invalid duration \"\": empty");
  if (text[0] == '-') return invalidArgument("invalid duration " + quoted + ": must not be negative");
  std::string_view s = text;
  if (s[0] == '+') s.remove_prefix(1);
  if (s == "0") return Nanos(0);
  if (s.empty()) return invalidArgument("invalid duration " + quoted);
  uint64_t total = 0;
  while (!s.empty()) {
    // integer part
    uint64_t whole = 0;
    size_t i = 0;
    bool overflow = false;
    while (i < s.size() && isDigit(s[i])) {
      if (whole > (kMax - 9) / 10) overflow = true;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
    }
    bool had_whole = i > 0;
    // fraction
    uint64_t frac = 0, scale = 1;
    bool had_frac = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && isDigit(s[i])) {
        if (scale < 1000000000000000000ULL) {
          frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
          scale *= 10;
        }
        had_frac = true;
        ++i;
      }
    }
    if (!had_whole && !had_frac) return invalidArgument("invalid duration " + quoted + ": expected a number");
    if (overflow) return invalidArgument("invalid duration " + quoted + ": out of range");
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(0, u.name.size()) == u.name) {
        // "m" must not swallow the "m" of "ms": longer names come first in kUnits.
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return invalidArgument("invalid duration " + quoted + ": missing or unknown unit (use ns, us, ms, s, m, h)");
    }
    s.remove_prefix(unit->name.size());
    if (whole > kMax / unit->nanos) return invalidArgument("invalid duration " + quoted + ": out of range");
    uint64_t part = whole * unit->nanos;
    // fraction * unit / scale without overflow: unit <= 3.6e12, frac < scale <= 1e18
    long double f =
        static_cast<long double>(frac) * static_cast<long double>(unit->nanos) / static_cast<long double>(scale);
    part += static_cast<uint64_t>(f);
    if (part > kMax - total) return invalidArgument("invalid duration " + quoted + ": out of range");
    total += part;
  }
  return Nanos(static_cast<int64_t>(total));
}

namespace {

// Writes v/10^prec with trailing zeros of the fraction dropped, like Go's fmtFrac.
std::string fracString(uint64_t v, int prec, uint64_t* rest) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  *rest = v;
  return digits;
}

}  // namespace

std::string formatDuration(Nanos d) {
  int64_t n = d.count();
  bool neg = n < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  std::string out;
  if (u < 1000000000ULL) {
    if (u == 0) return "0s";
    std::string unit;
    int prec;
    if (u < 1000ULL) {
      unit = "ns";
      prec = 0;
    } else if (u < 1000000ULL) {
      unit = "\xC2\xB5s";
      prec = 3;
    } else {
      unit = "ms";
      prec = 6;
    }
    uint64_t rest;
    std::string frac = fracString(u, prec, &rest);
    out = std::to_string(rest) + frac + unit;
  } else {
    uint64_t rest;
    std::string frac = fracString(u, 9, &rest);
    uint64_t secs = rest % 60;
    rest /= 60;
    out = std::to_string(secs) + frac + "s";
    if (rest > 0) {
      uint64_t mins = rest % 60;
      rest /= 60;
      out = std::to_string(mins) + "m" + out;
      if (rest > 0) out = std::to_string(rest) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

std::string formatProtoDuration(Nanos d) {
  int64_t n = d.count();
  int64_t secs = n / 1000000000;
  int64_t nanos = n % 1000000000;
  if (nanos == 0) return std::to_string(secs) + "s";
  std::string frac = std::to_string(nanos);
  frac.insert(0, 9 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::to_string(secs) + "." + frac + "s";
}

}  // namespace paymesh
