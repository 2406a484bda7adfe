#include "operator/desired/object_limits.h"

#include <algorithm>
#include <vector>

namespace paymesh::ctrl {

size_t configMapDataBytes(const std::map<std::string, std::string>& files) {
  size_t total = 0;
  for (const auto& [name, content] : files) total += content.size();
  return total;
}

std::string withThousands(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string configMapSizeProblem(const std::string& what, const std::map<std::string, std::string>& files) {
  size_t total = configMapDataBytes(files);
  if (total <= kMaxConfigMapDataBytes) return "";
  std::vector<std::pair<size_t, std::string>> by_size;
  for (const auto& [name, content] : files) by_size.emplace_back(content.size(), name);
  // Largest first, ties by name, so the message is the same on every pass.
  std::sort(by_size.begin(), by_size.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::string largest;
  for (size_t i = 0; i < std::min<size_t>(3, by_size.size()); ++i)
    largest += (i ? ", " : "") + by_size[i].second + " " + withThousands(by_size[i].first);
  return "ConfigMap " + what + " would hold " + withThousands(total) + " bytes of data, over Kubernetes' limit of " +
         withThousands(kMaxConfigMapDataBytes) + " bytes (largest files: " + largest +
         "); it is not written and the one in place is kept";
}

}  // namespace paymesh::ctrl
