#pragma once
// String helpers for messages and generated text.

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

}  // namespace paymesh
