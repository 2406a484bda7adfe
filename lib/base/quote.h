#pragma once
// Untrusted text in an error message: quoted, cut at `max` characters, and with
// anything unprintable replaced, so a hostile value cannot forge or flood a log line.

#include <string>
#include <string_view>

namespace paymesh {

inline std::string quoteUntrusted(std::string_view s, size_t max = 80) {
  std::string out = "\"";
  for (char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > max) out += "...";
  return out + "\"";
}

}  // namespace paymesh
