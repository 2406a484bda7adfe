#include "ring/packed.h"

#include <array>

namespace paymesh::ring {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> makeDecodeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = makeDecodeTable();

void appendLe(std::string& out, uint64_t v, int width) {
  for (int b = 0; b < width; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return invalidArgument("base64 length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int v;
      if (c == '=' && last && j >= 2) {
        ++pad;
        v = 0;
      } else {
        if (pad > 0) return invalidArgument("base64 padding in the middle");
        v = kDecode[static_cast<unsigned char>(c)];
        if (v < 0) return invalidArgument("invalid base64 character at offset " + std::to_string(i + j));
      }
      n = n << 6 | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

std::string packUints(const std::vector<uint64_t>& values, int width) {
  std::string out;
  out.reserve(values.size() * static_cast<size_t>(width));
  for (uint64_t v : values) appendLe(out, v, width);
  return out;
}

std::string packUints32(const std::vector<uint32_t>& values, int width) {
  std::string out;
  out.reserve(values.size() * static_cast<size_t>(width));
  for (uint32_t v : values) appendLe(out, v, width);
  return out;
}

Result<std::vector<uint64_t>> unpackUints(std::string_view bytes, int width) {
  if (width != 1 && width != 2 && width != 4 && width != 8) {
    return invalidArgument("unsupported integer width " + std::to_string(width));
  }
  const auto w = static_cast<size_t>(width);
  if (bytes.size() % w != 0) {
    return invalidArgument(std::to_string(bytes.size()) + " bytes is not a whole number of " + std::to_string(width) +
                           "-byte integers");
  }
  std::vector<uint64_t> out(bytes.size() / w);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t v = 0;
    for (size_t b = w; b > 0; --b) v = v << 8 | static_cast<unsigned char>(bytes[i * w + b - 1]);
    out[i] = v;
  }
  return out;
}

int indexWidth(size_t count) {
  if (count <= 0x100) return 1;
  if (count <= 0x10000) return 2;
  return 4;
}

}  // namespace paymesh::ring
