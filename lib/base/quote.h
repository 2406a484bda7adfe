#pragma once
// Quoting text in messages and generated text: quoted() for our own, quoteUntrusted() for
// values from outside, which are cut at `max` characters and have anything unprintable
// replaced, so a hostile value cannot forge or flood a log line.

#include <string>
#include <string_view>

namespace paymesh {

// `text` between two `mark`s: quoted("a b") is "\"a b\"". Built by appending, never as
// "\"" + std::string(text): GCC 12 at -O3 reports a false -Wrestrict on that operator+
// (GCC bug 105329), which stops the release build.
inline std::string quoted(std::string_view text, char mark = '"') {
  std::string out;
  out.reserve(text.size() + 2);
  out += mark;
  out.append(text);
  out += mark;
  return out;
}

inline std::string quoteUntrusted(std::string_view s, size_t max = 80) {
  std::string out;
  out += '"';
  for (char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > max) out += "...";
  out += '"';
  return out;
}

}  // namespace paymesh
