#include "ring/packed.h"

namespace paymesh::ring {

namespace {

void appendLe(std::string& out, uint64_t v, int width) {
  for (int b = 0; b < width; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

}  // namespace

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
