#include "operator/desired/object_limits.h"

#include <algorithm>
#include <vector>

#include "policy/names.h"
#include "ring/hash.h"

namespace paymesh::ctrl {

namespace {

// The shard a file belongs in when there is room: by its name alone, so that it stays put.
size_t homeShard(const std::string& name) {
  return static_cast<size_t>(ring::xxHash64(name, 0) % policy::kConfigShards);
}

const char* const kKept = "; it is not written and the one in place is kept";

}  // namespace

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
         withThousands(kMaxConfigMapDataBytes) + " bytes (largest files: " + largest + ")" + kKept;
}

ConfigLayout layOutConfig(const std::string& what, std::map<std::string, std::string> files) {
  ConfigLayout out;
  if (configMapDataBytes(files) <= kMaxConfigMapDataBytes) {
    out.main = std::move(files);
    return out;
  }
  std::map<std::string, std::string> endpoint_files;
  for (auto it = files.begin(); it != files.end();) {
    if (policy::isEdsFile(it->first)) {
      endpoint_files.insert(files.extract(it++));
    } else {
      ++it;
    }
  }
  if (std::string problem = configMapSizeProblem(what, files); !problem.empty()) {
    out.problem = problem;  // too large without a single endpoint file: nothing to move
    return out;
  }
  const size_t total = configMapDataBytes(files) + configMapDataBytes(endpoint_files);
  out.shards.resize(policy::kConfigShards);
  std::vector<size_t> used(policy::kConfigShards, 0);
  for (auto& [name, content] : endpoint_files) {
    if (content.size() > kMaxConfigMapDataBytes) {
      out = ConfigLayout{};
      out.problem = "ConfigMap " + what + ": " + name + " alone is " + withThousands(content.size()) +
                    " bytes, over Kubernetes' limit of " + withThousands(kMaxConfigMapDataBytes) +
                    " bytes for one ConfigMap (one cluster's endpoints are one file)" + kKept;
      return out;
    }
    size_t home = homeShard(name), placed = policy::kConfigShards;
    for (size_t probe = 0; probe < policy::kConfigShards && placed == policy::kConfigShards; ++probe) {
      size_t n = (home + probe) % policy::kConfigShards;
      if (used[n] + content.size() <= kMaxConfigMapDataBytes) placed = n;
    }
    if (placed == policy::kConfigShards) {
      out = ConfigLayout{};
      out.problem = "ConfigMap " + what + " would hold " + withThousands(total) +
                    " bytes of data: its endpoint files do not fit in " + std::to_string(policy::kConfigShards) +
                    " more ConfigMaps of at most " + withThousands(kMaxConfigMapDataBytes) + " bytes each" + kKept;
      return out;
    }
    used[placed] += content.size();
    out.shards[placed].emplace(name, std::move(content));
  }
  out.main = std::move(files);
  return out;
}

}  // namespace paymesh::ctrl
